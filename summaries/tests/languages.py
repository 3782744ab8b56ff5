"""What each language must show, written out here rather than read from the catalogs, so that a
test fails when a catalog is missing, not compiled, or not loaded. No Django import: the
integration and browser tests use it too."""

# accept_language: what a browser sends; html_lang and dir: the page's <html>; name_label: the
# form's "Name"; subject and greeting: the email's, for "Ada Lovelace"; about_heading and purple:
# the PDF's "About me" heading (set in capitals) and the colour "Purple"; pdf_lang: the PDF's /Lang.
LANGUAGES = {
    "en": {
        "accept_language": "en-GB,en;q=0.9",
        "html_lang": "en",
        "dir": "ltr",
        "name_label": "Name",
        "subject": "Your Personal Summary",
        "greeting": "Hello Ada Lovelace,",
        "about_heading": "ABOUT ME",
        "purple": "Purple",
        "pdf_lang": "en",
    },
    "es": {
        "accept_language": "es-ES,es;q=0.9",
        "html_lang": "es",
        "dir": "ltr",
        "name_label": "Nombre",
        "subject": "Tu resumen personal",
        "greeting": "Hola, Ada Lovelace:",
        "about_heading": "SOBRE MÍ",
        "purple": "Morado",
        "pdf_lang": "es",
    },
    "fr": {
        "accept_language": "fr-FR,fr;q=0.9",
        "html_lang": "fr",
        "dir": "ltr",
        "name_label": "Nom",
        "subject": "Votre résumé personnel",
        "greeting": "Bonjour Ada Lovelace,",
        "about_heading": "À PROPOS DE MOI",
        "purple": "Violet",
        "pdf_lang": "fr",
    },
    "de": {
        "accept_language": "de-DE,de;q=0.9",
        "html_lang": "de",
        "dir": "ltr",
        "name_label": "Name",
        "subject": "Ihre persönliche Zusammenfassung",
        "greeting": "Hallo Ada Lovelace,",
        "about_heading": "ÜBER MICH",
        "purple": "Lila",
        "pdf_lang": "de",
    },
    "pt-br": {
        "accept_language": "pt-BR,pt;q=0.9",
        "html_lang": "pt-BR",
        "dir": "ltr",
        "name_label": "Nome",
        "subject": "Seu resumo pessoal",
        "greeting": "Olá, Ada Lovelace,",
        "about_heading": "SOBRE MIM",
        "purple": "Roxo",
        "pdf_lang": "pt-BR",
    },
    "ar": {
        "accept_language": "ar-EG,ar;q=0.9",
        "html_lang": "ar",
        "dir": "rtl",
        "name_label": "الاسم",
        "subject": "ملخّصك الشخصي",
        "greeting": "مرحبًا Ada Lovelace،",
        "about_heading": "نبذة عني",
        "purple": "بنفسجي",
        "pdf_lang": "ar",
    },
    "zh-hans": {
        "accept_language": "zh-CN,zh;q=0.9",
        "html_lang": "zh-Hans",
        "dir": "ltr",
        "name_label": "姓名",
        "subject": "您的个人简介",
        "greeting": "Ada Lovelace，您好：",
        "about_heading": "关于我",
        "purple": "紫色",
        "pdf_lang": "zh-Hans",
    },
    "ja": {
        "accept_language": "ja-JP,ja;q=0.9",
        "html_lang": "ja",
        "dir": "ltr",
        "name_label": "お名前",
        "subject": "あなたのプロフィールまとめ",
        "greeting": "Ada Lovelace さん、こんにちは。",
        "about_heading": "自己紹介",
        "purple": "紫",
        "pdf_lang": "ja",
    },
}


def expected(code: str) -> dict:
    return LANGUAGES[code]
