"""Built-in word knowledge: filler to ignore and Roman Urdu / Urdu words to translate.

Organisers write their FAQ mostly in English with a few Roman Urdu and Urdu variants;
attendees mix all three. Mapping the common question words and conference vocabulary of
Roman Urdu and Urdu onto English lets one English phrasing answer `registration kab band
hogi` and `رجسٹریشن کب بند ہوگی`. Organiser `synonyms` extend this per event. Keys are
written naturally here and folded (see normalize.fold) when the analyzer is built.
"""

from __future__ import annotations


def _words(block: str) -> list[str]:
    return block.split()


# Words that carry no meaning for matching: English function words and politeness,
# Roman Urdu and Urdu particles. Question words (when/where/who/how) are NOT here: they
# tell "when does registration close" from "how do I register".
STOPWORDS: frozenset[str] = frozenset(_words("""
a an the and or but if then so than too very just also only even still really actually i me
my mine myself we us our ours you your yours he him his she her it its they them their this
that these those there here is am are was were be been being do does did doing done have has
had having will would shall should can could may might must of at by for with about against
between into through during before after above below to from up down in out on off over
under again further once all any both each few more most other some such no nor not own same
s t d ll m re ve y isn isnt aren arent wasn wasnt don dont doesn doesnt didn didnt won wont
wouldn cant cannot couldn im ive id youre whats thats theres heres lets what which whom
whose why please pls plz plis kindly pleas hi hello hey hiya dear salam salaam assalam
assalamualaikum aoa aslam walaikum thanks thank thx ty sir madam maam mam bro bhai brother
sister quick question questions query ask asking wondering wonder know tell let want wanted
wanna gonna like need needs get got getting guys anyone somebody someone something anything
one ok okay yes yeah yep sure just kind sort thing things regards info information help kya
kia kiya hai hain hy hay h he ho hon hun ka ki ke kay ko se say sey mein main me mai mei par
pe per bhi to tou toh ye yeh yah wo woh voh aur or ya na nahi nahin nai ni ji jee mujhe
mujhay muje mjhe hum hamein humein mera meri mere merey apna apni apne aap ap tum koi kuch
kuchh sab agar ab raha rahi rahe rahay gaya gayi gai de dein do dena lo len wala wali walay
wale walon sakta sakti sakte saktay sakty chahiye chahye chaiye chahie karna karni karne
karen karein karun karoon kar karo kare hoga hogi hoge hogay honge hongi hota hoti hotay
hote tha thi thay the gi ga gay liye liay lie liya saath sath bata batao batayen bataen
bataein btao btaen plzz kr krna krni کا کی کے کو سے میں پر بھی تو یہ وہ اور یا نہ نہیں ہے
ہیں ہو ہوں ہوگا ہوگی ہوگے کیا جی مجھے میرا میری میرے ہم ہمیں آپ اپ تم کوئی کچھ سب کر کرنا
کریں کروں سکتا سکتی سکتے چاہیے رہا رہی رہے گا گی گے تھا تھی ہوتا ہوتی والا والی والے لیے لئے
ساتھ بتائیں بتا براہ کرم مہربانی شکریہ سلام
"""))

# Roman Urdu and Urdu words onto the English word an organiser would most likely write.
LEXICON: dict[str, str] = {
    # question words
    "kab": "when", "kb": "when", "kabb": "when", "کب": "when",
    "kahan": "where", "kahaan": "where", "kahn": "where", "kidhar": "where", "kidher": "where",
    "kider": "where", "kdr": "where", "kithay": "where", "kaha": "where", "کہاں": "where",
    "کدھر": "where", "kaun": "who", "kon": "who", "koun": "who", "kaunsa": "which",
    "konsa": "which", "kaunsi": "which", "konsi": "which", "کون": "who", "کونسا": "which",
    "kaise": "how", "kaisay": "how", "kese": "how", "kesy": "how", "kaisy": "how",
    "kaese": "how", "kaisey": "how", "kysay": "how", "کیسے": "how", "کیسی": "how",
    "kitna": "much", "kitni": "much", "kitne": "much", "kitnay": "much", "کتنا": "much",
    "کتنی": "much", "کتنے": "much",
    # time
    "abhi": "now", "ابھی": "now", "din": "day", "دن": "day", "aaj": "today", "aj": "today",
    "آج": "today", "kal": "tomorrow", "کل": "tomorrow", "subah": "morning", "subha": "morning",
    "صبح": "morning", "shaam": "evening", "sham": "evening", "شام": "evening",
    "dopehar": "afternoon", "dopahar": "afternoon", "دوپہر": "afternoon", "waqt": "time",
    "وقت": "time", "timing": "time", "timings": "time", "baje": "oclock", "bajay": "oclock",
    "بجے": "oclock", "pehla": "first", "pehle": "first", "pehli": "first", "pehlay": "first",
    "پہلا": "first", "پہلے": "first", "پہلی": "first", "dusra": "second", "doosra": "second",
    "dusri": "second", "doosri": "second", "دوسرا": "second", "دوسری": "second",
    "dusre": "second", "دوسرے": "second", "agla": "next", "agli": "next", "agle": "next",
    "اگلا": "next", "اگلی": "next", "baad": "after", "بعد": "after",
    # actions
    "band": "close", "بند": "close", "khulegi": "open", "khulega": "open", "khul": "open",
    "khulay": "open", "کھلے": "open", "shuru": "start", "شروع": "start", "khatam": "end",
    "ختم": "end", "milega": "get", "milegi": "get", "milay": "get", "mile": "get",
    "milta": "get", "milti": "get", "mil": "get", "ملے": "get", "ملیگا": "get",
    "ملیگی": "get", "ملی": "get", "ملتا": "get", "jana": "go", "jaana": "go", "jaun": "go",
    "jayen": "go", "jaen": "go", "جانا": "go", "ana": "come", "aana": "come", "aaun": "come",
    "aayen": "come", "aun": "come", "انا": "come", "lana": "bring", "laana": "bring",
    "laa": "bring", "laen": "bring", "layen": "bring", "لانا": "bring", "لا": "bring",
    "bolenge": "speak", "bolega": "speak", "bolegi": "speak", "bolna": "speak",
    "خطاب": "speech", "taqreer": "talk", "تقریر": "talk", "dekh": "watch", "dekhna": "watch",
    "دیکھ": "watch", "parhna": "read", "kho": "lose", "khoya": "lose", "gum": "lose",
    "گم": "lose", "pohanchna": "reach", "pohnchna": "reach", "پہنچنا": "reach",
    "rakhna": "keep", "rakh": "keep", "رکھ": "keep", "jeetne": "win", "jeet": "win",
    "جیت": "win",
    # things and places
    "khana": "food", "khaana": "food", "khanay": "food", "کھانا": "food", "chai": "tea",
    "chaye": "tea", "chaey": "tea", "چائے": "tea", "چای": "tea", "pani": "water",
    "paani": "water", "پانی": "water", "namaz": "prayer", "namaaz": "prayer",
    "nimaz": "prayer", "salah": "prayer", "salat": "prayer", "نماز": "prayer",
    "masjid": "mosque", "مسجد": "mosque", "jagah": "place", "jaga": "place", "jaghah": "place",
    "جگہ": "place", "kamra": "room", "kamray": "room", "kamre": "room", "کمرہ": "room",
    "gari": "car", "gaari": "car", "gaadi": "car", "gadi": "car", "گاڑی": "car",
    "fees": "fee", "paise": "fee", "paisay": "fee", "qeemat": "price", "kharcha": "cost",
    "فیس": "fee", "muft": "free", "مفت": "free", "rasta": "way", "raasta": "way",
    "راستہ": "way", "pata": "address", "پتہ": "address", "nazdeek": "near", "qareeb": "near",
    "kareeb": "near", "قریب": "near", "sanad": "certificate", "سند": "certificate",
    "khawateen": "women", "aurton": "women", "auraton": "women", "larkiyon": "women",
    "خواتین": "women", "bachay": "child", "bachon": "child", "bache": "child",
    "bachey": "child", "بچے": "child", "madad": "help", "مدد": "help", "rabta": "contact",
    "raabta": "contact", "رابطہ": "contact", "dakhla": "entry", "dakhil": "entry",
    "داخلہ": "entry", "shanakhti": "identity", "shanakhat": "identity", "شناختی": "identity",
    "mehman": "guest", "مہمان": "guest", "inaam": "prize", "انعام": "prize",
    "muqabla": "competition", "مقابلہ": "competition", "hotel": "hotel", "ہوٹل": "hotel",
    "dawai": "medicine", "doctor": "doctor", "ڈاکٹر": "doctor", "libas": "dress",
    "kapre": "clothes", "kapray": "clothes", "لباس": "dress",
    # loanwords in Urdu script
    "رجسٹریشن": "registration", "رجسٹر": "register", "پارکنگ": "parking",
    "انٹرنیٹ": "internet", "وائیفائی": "wifi", "ورکشاپ": "workshop", "ورکشاپس": "workshop",
    "لیپٹاپ": "laptop", "مقرر": "speaker", "اسپیکر": "speaker", "سپیکر": "speaker",
    "ہال": "hall", "لنچ": "lunch", "ناشتہ": "breakfast", "ٹیم": "team",
    "ریکارڈنگ": "recording", "سلائیڈز": "slides", "ویڈیو": "video", "ٹکٹ": "ticket",
    "بیج": "badge", "سیکیورٹی": "security", "سیکورٹی": "security", "سائبر": "cyber",
    "کانفرنس": "conference", "ایجنڈا": "agenda", "پروگرام": "programme",
    "شیڈول": "schedule", "سرٹیفکیٹ": "certificate", "سرٹیفیکیٹ": "certificate",
    "سیشن": "session", "کارڈ": "card", "پاسورڈ": "password", "ای": "e", "میل": "mail",
    "فون": "phone", "نمبر": "number", "ہیلپ": "help", "ڈیسک": "desk", "گیٹ": "gate",
    "بس": "bus", "میٹرو": "metro", "ایئرپورٹ": "airport", "ہوائی": "air", "اڈہ": "port",
    "شٹل": "shuttle", "ٹیکسی": "taxi", "سی": "c", "ٹی": "t", "ایف": "f",
    "مقام": "venue", "وینیو": "venue", "سٹوڈنٹ": "student", "طلبہ": "student",
    "طالبعلم": "student", "وہیل": "wheel", "چیئر": "chair", "ویل": "wheel",
}

# Multi-word spellings of one concept, after the words above are translated.
PHRASES: dict[tuple[str, ...], str] = {
    ("wi", "fi"): "wifi", ("wai", "fai"): "wifi", ("وای", "فای"): "wifi",
    ("وائی", "فائی"): "wifi", ("e", "mail"): "email", ("پاس", "ورڈ"): "password",
    ("pass", "word"): "password", ("لیپ", "ٹاپ"): "laptop", ("lap", "top"): "laptop",
    ("first", "day"): "day1", ("day", "one"): "day1", ("day", "1"): "day1",
    ("second", "day"): "day2", ("day", "two"): "day2", ("day", "2"): "day2",
    ("c", "t", "f"): "ctf", ("air", "port"): "airport", ("wheel", "chair"): "wheelchair",
    ("help", "desk"): "helpdesk", ("check", "in"): "checkin",
    ("right", "now"): "now", ("at", "the", "moment"): "now",
}
