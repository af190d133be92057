"""APIs compatible with other ecosystems' clients: LibreTranslate's and DeepL's."""

# Paths whose bodies may be forms as well as JSON (their clients send forms).
FORM_PREFIXES = ("/libretranslate/", "/v2/")
