"""The portal's words, in Latvian (the default) and English."""

from __future__ import annotations

LANGUAGES = ("lv", "en")

TEXTS: dict[str, dict[str, str]] = {
    "lv": {
        "service": "Valsts pārbaudījumu rezultāti",
        "agency": "Valsts izglītības satura centrs",
        "skip": "Pāriet uz saturu",
        "switch": "English",
        "switch_lang": "en",
        "switch_label": "Switch to English",
        "home_title": "Centralizēto eksāmenu rezultāti un sertifikāti",
        "home_intro": "Šeit skolēni un absolventi var apskatīt savus centralizēto eksāmenu "
        "rezultātus un lejupielādēt sertifikātus kā e-dokumentus (.edoc).",
        "home_window": "Tiek rādīti tikai to eksāmenu sesiju rezultāti, kas publicētas pēdējo "
        "6 mēnešu laikā. Vecākus rezultātus skatiet portālā latvija.gov.lv.",
        "sign_in_heading": "Pieslēgšanās",
        "sign_in_intro": "Pieslēdzieties ar savu skolas e-žurnāla kontu.",
        "sign_in_with": "Pieslēgties ar",
        "results_title": "Mani eksāmenu rezultāti",
        "signed_in_as": "Pieslēgts ar",
        "window_note": "Tiek rādīti tikai pēdējo 6 mēnešu laikā publicētie rezultāti.",
        "no_results": "Pēdējo 6 mēnešu laikā publicētu rezultātu nav.",
        "col_exam": "Eksāmens",
        "col_year": "Mācību gads",
        "col_total": "Kopvērtējums",
        "col_parts": "Daļas",
        "col_cefr": "CEFR līmenis",
        "col_status": "Statuss",
        "col_certificate": "Sertifikāts",
        "passed": "Nokārtots",
        "not_passed": "Nav nokārtots",
        "download": "Lejupielādēt",
        "download_label": "Lejupielādēt sertifikātu {number} (.edoc)",
        "no_certificate": "—",
        "sign_out": "Iziet",
        "results_caption": "Eksāmenu rezultāti",
        "signed_out": "Jūs esat izgājis no sistēmas.",
        "expired": "Sesija beigusies. Lūdzu, pieslēdzieties vēlreiz.",
        "sign_in_failed": "Pieslēgšanās neizdevās. Lūdzu, mēģiniet vēlreiz.",
        "forbidden_title": "Pakalpojums nav pieejams",
        "forbidden_text": "Šis pakalpojums pieejams tikai no Latvijas, Lietuvas un Igaunijas.",
        "csrf_title": "Pieprasījums noraidīts",
        "csrf_text": "Veidlapa ir novecojusi. Lūdzu, atveriet lapu vēlreiz.",
        "rate_title": "Pārāk daudz mēģinājumu",
        "rate_text": "Pārāk daudz mēģinājumu. Lūdzu, mēģiniet vēlāk.",
        "not_found_title": "Nav atrasts",
        "not_found_text": "Lapa vai dokuments nav atrasts.",
        "error_title": "Kļūda",
        "error_text": "Radās kļūda. Lūdzu, mēģiniet vēlāk.",
        "back": "Uz sākumu",
        "contact": "Jautājumi: atbalsts@visc.gov.lv, tālr. 66051908",
    },
    "en": {
        "service": "State examination results",
        "agency": "National Centre for Education of the Republic of Latvia",
        "skip": "Skip to content",
        "switch": "Latviešu",
        "switch_lang": "lv",
        "switch_label": "Pārslēgt uz latviešu valodu",
        "home_title": "Centralised examination results and certificates",
        "home_intro": "Students and graduates can view their centralised examination results "
        "here and download their certificates as e-documents (.edoc).",
        "home_window": "Only results of examination sessions published within the last 6 "
        "months are shown. Older results are on latvija.gov.lv.",
        "sign_in_heading": "Sign in",
        "sign_in_intro": "Sign in with your school e-journal account.",
        "sign_in_with": "Sign in with",
        "results_title": "My examination results",
        "signed_in_as": "Signed in with",
        "window_note": "Only results published within the last 6 months are shown.",
        "no_results": "No results were published within the last 6 months.",
        "col_exam": "Examination",
        "col_year": "School year",
        "col_total": "Total",
        "col_parts": "Parts",
        "col_cefr": "CEFR level",
        "col_status": "Status",
        "col_certificate": "Certificate",
        "passed": "Passed",
        "not_passed": "Not passed",
        "download": "Download",
        "download_label": "Download certificate {number} (.edoc)",
        "no_certificate": "—",
        "sign_out": "Sign out",
        "results_caption": "Examination results",
        "signed_out": "You have signed out.",
        "expired": "Your session has ended. Please sign in again.",
        "sign_in_failed": "Signing in failed. Please try again.",
        "forbidden_title": "Service not available",
        "forbidden_text": "This service is available only from Latvia, Lithuania and Estonia.",
        "csrf_title": "Request refused",
        "csrf_text": "The form has expired. Please open the page again.",
        "rate_title": "Too many attempts",
        "rate_text": "Too many attempts. Please try again later.",
        "not_found_title": "Not found",
        "not_found_text": "The page or document was not found.",
        "error_title": "Error",
        "error_text": "An error occurred. Please try again later.",
        "back": "Home",
        "contact": "Questions: atbalsts@visc.gov.lv, phone 66051908",
    },
}

# Latvian school years are written "2023./2024."
def school_year(value: str, lang: str) -> str:
    """``2023/2024`` as the language writes it."""
    if lang == "lv" and "/" in value:
        first, second = value.split("/", 1)
        return f"{first}./{second}."
    return value
