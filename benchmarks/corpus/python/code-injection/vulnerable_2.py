def load_settings(path):
    settings = {}
    with open(path) as handle:
        source = handle.read()
    exec(source, {}, settings)  # VULN
    return settings
