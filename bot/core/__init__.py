"""The channel-free core: turn engine, dialogs, parsing, permissions, i18n."""
