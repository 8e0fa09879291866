"""The pure domain: the SOP and its loader, the workflow state machine, limits, the working-time
calendar, names. No telegram, no sqlalchemy, no PIL, no storage: it reads beside the SOP."""
