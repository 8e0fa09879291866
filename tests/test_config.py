"""Configuration: the example file, where the token comes from, and every wrong setting named."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import TOKEN_ENV, Config, ConfigError, Member, load_config, parse_config
from bot.domain.limits import Limit, LimitUnit
from bot.domain.sop import load_default_sop

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"
DEFAULT_SOP = ROOT / "bot" / "domain" / "sop_default.toml"

TOKEN = "123456789:AAH-env-token_for_config_tests"
FILE_TOKEN = "222222222:BBfile-token_for_config_tests"
TOML_TOKEN = "333333333:CCtoml-token_for_config_tests"
ENV = {TOKEN_ENV: TOKEN}

MEMBERS = """
[[members]]
id = 111111111
name = "Kasubbag"
roles = ["kasubbag"]
"""


def write_config(folder: Path, text: str, name: str = "config.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str, environ: dict[str, str] = ENV) -> Config:
    return load_config(write_config(tmp_path, text), environ=environ)


def revised_sop_text() -> str:
    """The shipped SOP with design, checks, the upload order and the posting limited to 20
    minutes."""
    text = DEFAULT_SOP.read_text(encoding="utf-8")
    revised = re.sub(r'limit = "(30|15|10) menit"', 'limit = "20 menit"', text)
    assert revised.count('"20 menit"') == 5
    return revised


# --- the example file --------------------------------------------------------------------------


def test_example_config_loads_with_the_documented_defaults_and_two_example_members() -> None:
    config = load_config(EXAMPLE, environ=ENV)

    assert config.telegram.token == TOKEN
    assert config.telegram.api_base_url == "https://api.telegram.org/bot"
    assert config.telegram.file_base_url == "https://api.telegram.org/file/bot"
    assert config.telegram.admins == frozenset()
    assert config.database_url == "sqlite+aiosqlite:///data/jdih.db"
    assert config.office_name == "KPU Kabupaten Pulang Pisau"
    assert config.timezone.key == "Asia/Pontianak"
    assert config.sop == load_default_sop()
    assert [step.key for step in config.sop.steps] == [
        "materi",
        "desain",
        "periksa",
        "setuju",
        "unggah",
        "posting",
    ]
    assert config.members == (
        Member(111111111, "Contoh Kasubbag", frozenset({"kasubbag"})),
        Member(222222222, "Contoh Operator", frozenset({"operator"})),
    )
    assert config.member(222222222) == config.members[1]
    assert config.member(999) is None
    assert dict(config.role_chats) == {}


def test_leaving_every_key_out_gives_the_values_the_example_documents(tmp_path: Path) -> None:
    example = load_config(EXAMPLE, environ=ENV)

    bare = load_text(tmp_path, "")

    assert bare.telegram == example.telegram
    assert (bare.database_url, bare.office_name, bare.timezone) == (
        example.database_url,
        example.office_name,
        example.timezone,
    )
    assert bare.sop == example.sop
    assert bare.members == ()


# --- the token ---------------------------------------------------------------------------------


def test_token_from_the_environment_beats_token_file_and_token(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text(FILE_TOKEN, encoding="utf-8")
    text = f'[telegram]\ntoken_file = "token.txt"\ntoken = "{TOML_TOKEN}"\n'

    config = load_text(tmp_path, text, environ={TOKEN_ENV: f"  {TOKEN}\n"})

    assert config.telegram.token == TOKEN


def test_token_file_beats_token_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text(FILE_TOKEN + "\n", encoding="utf-8")
    text = f'[telegram]\ntoken_file = "token.txt"\ntoken = "{TOML_TOKEN}"\n'

    config = load_text(tmp_path, text, environ={})

    assert config.telegram.token == FILE_TOKEN


def test_blank_environment_variable_falls_back_to_token_file(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text(FILE_TOKEN, encoding="utf-8")

    config = load_text(tmp_path, '[telegram]\ntoken_file = "token.txt"\n', environ={TOKEN_ENV: " "})

    assert config.telegram.token == FILE_TOKEN


def test_token_in_the_config_is_the_last_resort(tmp_path: Path) -> None:
    config = load_text(tmp_path, f'[telegram]\ntoken = "{TOML_TOKEN}"\n', environ={})

    assert config.telegram.token == TOML_TOKEN


def test_token_file_is_found_relative_to_the_config_files_folder_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    etc = tmp_path / "etc" / "jdih"
    (etc / "secret").mkdir(parents=True)
    (etc / "secret" / "token").write_text(FILE_TOKEN, encoding="utf-8")
    path = write_config(etc, '[telegram]\ntoken_file = "secret/token"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    config = load_config(path, environ={})

    assert config.telegram.token == FILE_TOKEN


def test_missing_token_file_stops_naming_telegram_token_file(tmp_path: Path) -> None:
    text = f'[telegram]\ntoken_file = "nowhere/token"\ntoken = "{TOML_TOKEN}"\n'

    with pytest.raises(ConfigError, match=r"telegram\.token_file"):
        load_text(tmp_path, text, environ={})


def test_no_token_anywhere_stops_naming_telegram_token_and_the_environment_variable(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, '[telegram]\ntoken = ""\ntoken_file = ""\n', environ={})

    assert "telegram.token" in str(info.value)
    assert TOKEN_ENV in str(info.value)


@pytest.mark.parametrize(
    "bad", ["not-a-token", "123456789", "123456789:", "abc:def", ":AAH"], ids=repr
)
def test_malformed_token_stops_naming_telegram_token_without_echoing_it(
    tmp_path: Path, bad: str
) -> None:
    with pytest.raises(ConfigError, match=r"telegram\.token") as info:
        load_text(tmp_path, "", environ={TOKEN_ENV: bad})

    assert bad not in str(info.value)


def test_repr_and_str_of_the_config_never_show_the_token(tmp_path: Path) -> None:
    config = load_text(tmp_path, MEMBERS)

    for shown in (repr(config), str(config), repr(config.telegram), str(config.telegram)):
        assert TOKEN not in shown
        assert TOKEN.split(":")[1] not in shown
    assert TOKEN not in repr(config.telegram.token)
    assert "https://api.telegram.org/bot" in repr(config.telegram)


# --- wrong settings ----------------------------------------------------------------------------


WRONG_SETTINGS = {
    "unknown timezone": ('[office]\ntimezone = "Asia/Pulang_Pisau"\n', "office.timezone"),
    "timezone outside the zone database": (
        '[office]\ntimezone = "../../etc/passwd"\n',
        "office.timezone",
    ),
    "empty office name": ('[office]\nname = "  "\n', "office.name"),
    "member with unknown role": (
        '[[members]]\nid = 1\nname = "A"\nroles = ["bupati"]\n',
        "members[0].roles",
    ),
    "member id written as text": (
        '[[members]]\nid = "111111111"\nname = "A"\nroles = ["kasubbag"]\n',
        "members[0].id",
    ),
    "member id missing": ('[[members]]\nname = "A"\nroles = ["kasubbag"]\n', "members[0].id"),
    "member id negative": (
        '[[members]]\nid = -5\nname = "A"\nroles = ["kasubbag"]\n',
        "members[0].id",
    ),
    "duplicate member id": (
        MEMBERS + '[[members]]\nid = 111111111\nname = "B"\nroles = ["operator"]\n',
        "members[1].id",
    ),
    "member with empty roles": (
        '[[members]]\nid = 1\nname = "A"\nroles = []\n',
        "members[0].roles",
    ),
    "member roles not a list": (
        '[[members]]\nid = 1\nname = "A"\nroles = "kasubbag"\n',
        "members[0].roles",
    ),
    "member without a name": ('[[members]]\nid = 1\nroles = ["kasubbag"]\n', "members[0].name"),
    "members as a single table": (
        '[members]\nid = 1\nname = "A"\nroles = ["kasubbag"]\n',
        "members",
    ),
    "role_chats for an unknown role": ("[role_chats]\nbupati = -100123\n", "role_chats.bupati"),
    "role_chats chat id written as text": (
        '[role_chats]\nkasubbag = "-1001234567890"\n',
        "role_chats.kasubbag",
    ),
    "telegram.admins holding text": ('[telegram]\nadmins = ["111111111"]\n', "telegram.admins"),
    "telegram.admins a single number": ("[telegram]\nadmins = 111111111\n", "telegram.admins"),
    "telegram.admins holding true": ("[telegram]\nadmins = [true]\n", "telegram.admins"),
    "empty api_base_url": ('[telegram]\napi_base_url = ""\n', "telegram.api_base_url"),
    "database not a table": ('database = "sqlite+aiosqlite:///x.db"\n', "database"),
    "database.url not text": ("[database]\nurl = 5\n", "database.url"),
    "office not a table": ('office = "KPU"\n', "office"),
    "sop.file not text": ("[sop]\nfile = 3\n", "sop.file"),
    "sop.file missing": ('[sop]\nfile = "sop_revisi.toml"\n', "sop.file"),
    "channel without its @": (
        '[publish.telegram]\nchannel = "kanal_jdih_kantor"\n',
        "publish.telegram.channel",
    ),
    "channel name too short": (
        '[publish.telegram]\nchannel = "@kpu"\n',
        "publish.telegram.channel",
    ),
    "channel id of a group": (
        "[publish.telegram]\nchannel = -123456\n",
        "publish.telegram.channel",
    ),
    "channel as a t.me link": (
        '[publish.telegram]\nchannel = "https://t.me/kanal_jdih_kantor"\n',
        "publish.telegram.channel",
    ),
    "unknown key in publish.telegram": (
        '[publish.telegram]\nchannel = "@kanal_jdih_kantor"\nkanal = "x"\n',
        "publish.telegram.kanal: unknown setting",
    ),
    "unknown table under publish": ('[publish.instagram]\nakun = "x"\n', "publish.instagram"),
    "publish.telegram not a table": (
        '[publish]\ntelegram = "@kanal_jdih_kantor"\n',
        "publish.telegram",
    ),
}


@pytest.mark.parametrize(
    ("value", "chat_id"),
    [
        ('"@kanal_jdih_kantor"', "@kanal_jdih_kantor"),
        ("-1001234567890", -1001234567890),
        ('"-1001234567890"', -1001234567890),
    ],
)
def test_the_channel_is_a_public_username_or_a_private_channels_id(
    tmp_path: Path, value: str, chat_id: int | str
) -> None:
    config = load_text(tmp_path, f"[publish.telegram]\nchannel = {value}\n")
    assert config.publish.chat_id == chat_id


def test_without_publish_there_is_no_channel(tmp_path: Path) -> None:
    assert load_text(tmp_path, "").publish.channel is None
    assert load_config(EXAMPLE, environ=ENV).publish.channel is None


@pytest.mark.parametrize(("text", "key"), list(WRONG_SETTINGS.values()), ids=list(WRONG_SETTINGS))
def test_wrong_setting_stops_with_an_error_naming_the_key(
    tmp_path: Path, text: str, key: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, text)

    assert str(info.value).startswith(key) or f"{key}:" in str(info.value)


def test_unknown_role_error_lists_the_known_roles(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, '[[members]]\nid = 1\nname = "A"\nroles = ["bupati"]\n')

    message = str(info.value)
    assert "'bupati'" in message
    assert all(role in message for role in load_default_sop().roles)


def test_duplicate_member_error_names_the_id(tmp_path: Path) -> None:
    text = MEMBERS + '[[members]]\nid = 111111111\nname = "B"\nroles = ["operator"]\n'

    with pytest.raises(ConfigError, match=r"members\[1\]\.id: 111111111"):
        load_text(tmp_path, text)


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[office]\ntimezone = "Asia/Pontianak\n')

    with pytest.raises(ConfigError) as info:
        load_config(path, environ=ENV)

    assert str(path) in str(info.value)
    assert "TOML" in str(info.value)


def test_missing_config_file_says_to_copy_the_example(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "config.toml", environ=ENV)

    assert "config.example.toml" in str(info.value)
    assert "not found" in str(info.value)


# --- a revised SOP -----------------------------------------------------------------------------


def test_revised_sop_file_is_the_sop_the_bot_runs(tmp_path: Path) -> None:
    (tmp_path / "sop").mkdir()
    (tmp_path / "sop" / "revisi.toml").write_text(revised_sop_text(), encoding="utf-8")

    config = load_text(tmp_path, '[sop]\nfile = "sop/revisi.toml"\n')

    assert config.sop != load_default_sop()
    assert {step.key: step.limit for step in config.sop.steps} == {
        "materi": Limit(1, LimitUnit.WORKING_DAYS),
        "desain": Limit(20, LimitUnit.MINUTES),
        "periksa": Limit(20, LimitUnit.MINUTES),
        "setuju": Limit(20, LimitUnit.MINUTES),
        "unggah": Limit(20, LimitUnit.MINUTES),
        "posting": Limit(20, LimitUnit.MINUTES),
    }


def test_members_and_role_chats_are_checked_against_the_revised_sops_roles(
    tmp_path: Path,
) -> None:
    renamed = revised_sop_text().replace("divisi_hukum", "tim_pengarah")
    (tmp_path / "revisi.toml").write_text(renamed, encoding="utf-8")
    sop = '[sop]\nfile = "revisi.toml"\n'

    config = load_text(
        tmp_path,
        sop + '[role_chats]\ntim_pengarah = -100555\n[[members]]\nid = 4\nname = "D"\n'
        'roles = ["tim_pengarah"]\n',
    )
    assert config.members[0].roles == frozenset({"tim_pengarah"})
    assert dict(config.role_chats) == {"tim_pengarah": -100555}

    with pytest.raises(ConfigError, match=r"members\[0\]\.roles: unknown role 'divisi_hukum'"):
        load_text(tmp_path, sop + '[[members]]\nid = 4\nname = "D"\nroles = ["divisi_hukum"]\n')


def test_revised_sop_with_a_bad_step_stops_naming_the_sop_key(tmp_path: Path) -> None:
    broken = revised_sop_text().replace('kind = "design"', 'kind = "desain"')
    (tmp_path / "revisi.toml").write_text(broken, encoding="utf-8")

    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, '[sop]\nfile = "revisi.toml"\n')

    assert "revisi.toml" in str(info.value)
    assert "steps[1].kind" in str(info.value)


def test_revised_sop_with_a_bad_limit_stops_naming_the_step_limit(tmp_path: Path) -> None:
    broken = revised_sop_text().replace('"20 menit"', '"20 detik"', 1)
    (tmp_path / "revisi.toml").write_text(broken, encoding="utf-8")

    with pytest.raises(ConfigError, match=r"steps\[1\]\.limit"):
        load_text(tmp_path, '[sop]\nfile = "revisi.toml"\n')


def test_revised_sop_with_a_toml_error_stops_naming_sop_file(tmp_path: Path) -> None:
    (tmp_path / "revisi.toml").write_text('name = "SOP\n', encoding="utf-8")

    with pytest.raises(ConfigError, match=r"sop\.file"):
        load_text(tmp_path, '[sop]\nfile = "revisi.toml"\n')


def test_parse_config_reads_the_sop_file_relative_to_base_dir(tmp_path: Path) -> None:
    (tmp_path / "revisi.toml").write_text(revised_sop_text(), encoding="utf-8")

    config = parse_config({"sop": {"file": "revisi.toml"}}, base_dir=tmp_path, environ=ENV)

    assert config.sop.step("desain").limit == Limit(20, LimitUnit.MINUTES)


# --- wrong settings of odd types and encodings: named, never a crash ---------------------------


def test_member_role_that_is_not_text_stops_naming_members_roles(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"members\[0\]\.roles"):
        load_text(tmp_path, '[[members]]\nid = 1\nname = "A"\nroles = [["kasubbag"]]\n')


def test_config_path_that_is_a_folder_stops_with_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(str(tmp_path))):
        load_config(tmp_path, environ=ENV)


def test_config_file_not_in_utf8_stops_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('[office]\nname = "Kantor Caf\xe9"\n'.encode("cp1252"))

    with pytest.raises(ConfigError, match=re.escape(str(path))):
        load_config(path, environ=ENV)


def test_token_file_not_in_utf8_stops_naming_telegram_token_file(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text(FILE_TOKEN, encoding="utf-16")

    with pytest.raises(ConfigError, match=r"telegram\.token_file"):
        load_text(tmp_path, '[telegram]\ntoken_file = "token.txt"\n', environ={})


def test_sop_file_not_in_utf8_stops_naming_sop_file(tmp_path: Path) -> None:
    text = revised_sop_text().replace("Sekretaris", "Sekretaris Caf\xe9")
    (tmp_path / "revisi.toml").write_bytes(text.encode("cp1252"))

    with pytest.raises(ConfigError, match=r"sop\.file"):
        load_text(tmp_path, '[sop]\nfile = "revisi.toml"\n')


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[office]\ntimezon = "Asia/Jayapura"\n', "office.timezon"),
        ('[[member]]\nid = 1\nname = "A"\nroles = ["kasubbag"]\n', "member"),
        ("[telegram]\nadmin = [111111111]\n", "telegram.admin"),
    ],
    ids=["office.timezon", "[[member]]", "telegram.admin"],
)
def test_misspelled_key_stops_naming_it(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(key)):
        load_text(tmp_path, text)


# --- python -m bot -----------------------------------------------------------------------------


def run_bot(config: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config)],
        cwd=ROOT,
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bot_with_a_wrong_setting_exits_2_and_names_the_key(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, f'[telegram]\ntoken = "{TOML_TOKEN}"\n[office]\ntimezone = "Asia/Pulang_Pisau"\n'
    )

    result = run_bot(path, ENV)

    assert result.returncode == 2, result.stderr
    assert "office.timezone" in result.stderr
    assert "Asia/Pulang_Pisau" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout
    assert TOML_TOKEN not in result.stderr + result.stdout


def test_bot_with_a_missing_config_exits_2_and_says_to_copy_the_example(tmp_path: Path) -> None:
    result = run_bot(tmp_path / "config.toml", ENV)

    assert result.returncode == 2, result.stderr
    assert "config.example.toml" in result.stderr


def test_bot_with_a_malformed_token_exits_2_without_printing_it(tmp_path: Path) -> None:
    path = write_config(tmp_path, MEMBERS)
    bad = "AAH-pasted-without-the-bot-id"

    result = run_bot(path, {TOKEN_ENV: bad})

    assert result.returncode == 2, result.stderr
    assert "telegram.token" in result.stderr
    assert bad not in result.stderr + result.stdout


def test_bot_given_a_folder_as_config_exits_2(tmp_path: Path) -> None:
    result = run_bot(tmp_path, ENV)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_the_office_chooses_the_platforms_designs_are_checked_against(tmp_path: Path) -> None:
    config = load_text(
        tmp_path,
        MEMBERS + '[[platforms]]\nname = "Spanduk 3:1"\nwidth = 1500\nheight = 500\n',
    )

    assert [(p.name, p.width, p.height) for p in config.platforms] == [("Spanduk 3:1", 1500, 500)]


def test_a_platform_without_pixel_sizes_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"platforms\[0\]"):
        load_text(tmp_path, MEMBERS + '[[platforms]]\nname = "X"\nwidth = "besar"\nheight = 5\n')


# --- webhook mode ------------------------------------------------------------------------------


def test_without_a_webhook_url_the_bot_polls(tmp_path: Path) -> None:
    assert load_text(tmp_path, MEMBERS).webhook is None
    assert load_text(tmp_path, '[webhook]\nurl = ""\n' + MEMBERS).webhook is None


def test_webhook_settings_with_the_secret_from_the_environment(tmp_path: Path) -> None:
    text = '[webhook]\nurl = "https://bot.kpu.example/jdih/hook"\nport = 8443\n' + MEMBERS
    config = load_text(tmp_path, text, {**ENV, "JDIH_WEBHOOK_SECRET": "dari_env-123"})
    assert config.webhook is not None
    assert config.webhook.secret_token == "dari_env-123"
    assert config.webhook.url_path == "jdih/hook"
    assert config.webhook.listen == "127.0.0.1"
    assert "dari_env" not in repr(config.webhook)


def test_webhook_secret_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "rahasia.txt").write_text("dari_file-456\n", encoding="utf-8")
    text = (
        '[webhook]\nurl = "https://bot.kpu.example/hook"\nsecret_token_file = "rahasia.txt"\n'
        + MEMBERS
    )
    config = load_text(tmp_path, text)
    assert config.webhook is not None and config.webhook.secret_token == "dari_file-456"


@pytest.mark.parametrize(
    ("webhook", "key"),
    [
        ('url = "https://bot.kpu.example/hook"', "webhook.secret_token"),
        ('url = "https://x.example/h"\nsecret_token = "ada spasi"', "webhook.secret_token"),
        ('url = "http://bot.kpu.example/hook"\nsecret_token = "abc"', "webhook.url"),
        ('url = "bot.kpu.example"\nsecret_token = "abc"', "webhook.url"),
        ('url = "https://bot.kpu.example/"\nsecret_token = "abc"\nport = 70000', "webhook.port"),
        ('url = "https://bot.kpu.example/"\nsecret_token = "abc"\nhost = "x"', "webhook.host"),
    ],
)
def test_a_wrong_webhook_setting_is_named(tmp_path: Path, webhook: str, key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(key)):
        load_text(tmp_path, f"[webhook]\n{webhook}\n" + MEMBERS)


# --- [backup] (issue 17) -----------------------------------------------------------------------


def test_backup_defaults_match_the_example_and_the_folder_is_beside_the_config(
    tmp_path: Path,
) -> None:
    bare = load_text(tmp_path, "")
    example = load_config(EXAMPLE, environ=ENV)
    assert bare.backup.dir == tmp_path / "backups"
    assert (bare.backup.keep, bare.backup.daily, bare.backup.time) == (
        example.backup.keep,
        example.backup.daily,
        example.backup.time,
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[backup]\nkeep = 0", "backup.keep: must be a number of archives to keep"),
        ('[backup]\nkeep = "7"', "backup.keep: must be a number of archives to keep"),
        ('[backup]\ntime = "25:00"', "backup.time: '25:00' is not a time of day"),
        ('[backup]\ndaily = "yes"', "backup.daily: must be true or false"),
        ('[backup]\nfolder = "x"', "backup.folder: unknown setting"),
    ],
)
def test_a_wrong_backup_setting_stops_naming_its_key(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_text(tmp_path, text)


def test_the_sop_is_reviewed_in_the_month_of_its_date_unless_a_month_is_set(
    tmp_path: Path,
) -> None:
    example = load_config(EXAMPLE, environ=ENV).report
    assert (example.schedule, example.review_month) == (True, 4)  # 1 April 2022
    assert load_text(tmp_path, "[report]\nreview_month = 9\n").report.review_month == 9
    undated = re.sub(r"(?m)^date = .*$", "", DEFAULT_SOP.read_text(encoding="utf-8"))
    write_config(tmp_path, undated, "revisi.toml")
    config = load_text(tmp_path, '[sop]\nfile = "revisi.toml"\n[report]\nschedule = false\n')
    assert (config.report.schedule, config.report.review_month) == (False, 1)  # January
