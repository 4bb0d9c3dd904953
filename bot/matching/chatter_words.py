"""Word-level chatter: the second reading, for clauses no known chatter phrase covers.

Why: the phrase table (bot/matching/chatter.py) only knows the sentences it lists, and
attendees say the same things in endless ways ("this thing is garbage", "kia haal hy",
"koi online hai?", "put me through to support"). Measured on messages written blind, the
phrase table alone recognised 40-57% of them. This reading works word by word instead: a
clause is chatter when it has at least one word that signals a kind and every other word
is a function word, a form of address or another word this reading knows. One word that
could carry a question ("wifi", "ctf", "lunch", any word not listed here) makes the
clause a question, so the safe side stays the default: **when in doubt, a question**.

Some kinds need two words to be sure:
- asking for a person needs a person ("human", "admin", "team") and a way to reach them
  ("talk", "baat", "contact"), and no wh-word ("how do I contact the organisers" asks for
  contact details, which the FAQ answers);
- "is anyone there" needs someone ("koi", "anyone") and being there ("online", "reading",
  "hai?"), never coming ("kya koi bhi aa sakta hai" asks who may attend);
- the softer help words ("use", "work", "pooch") count only when the clause is about the
  bot ("this", "bot", "you") or asks something.
A wh-word ("where", "kab", "کہاں") keeps a clause a question unless its kind is itself a
question to the bot (help, is anyone there, rudeness, "how are you").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import snowballstemmer
from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from bot.matching.chatter import ChatterKind

# Words that signal one kind on their own (folded and squashed before use).
_SIGNALS: dict[str, str] = {
    "greeting": (
        "hi hii hello hellow helo hallo hullo hey heya hiya howdy yo sup namaste greetings "
        "morning evening afternoon gm salam salaam slm slam aoa asalam assalam asalaam "
        "assalaam assalamualaikum asalamualaikum assalamoalaikum walaikum alaikum alaykum "
        "alikum wslm walaikumsalam adab aadab adaab mizaj rahmat rahmatullah rahmatullahi "
        "warahmatullah barakatuh subah shaam ہیلو ہائے شام "
        "wabarakatuh السلام اسلام سلام علیکم عليكم آداب صبح مزاج حال ورحمۃ رحمۃ وبرکاتہ برکاتہ"
    ),
    "thanks": (
        "thanks thank thanx thanq thnq thnx thnks thx tx ty tysm tyvm cheers grateful "
        "appreciate appreciated appreciation helped helpful helps shukriya shukria "
        "shukriyah shukr meherbani mehrbani meharbani nawazish jazakallah jazakallahu jazak "
        "jzk jzakallah khair khairan mamnoon merci danke gracias shukran rakhe lifesaver obliged "
        "shukar legend needed bless blessed blessings شکر جزا مشکور "
        "شکریہ شكريہ مہربانی نوازش جزاک جزاکم خیر خیرا ممنون رکھے"
    ),
    "acknowledgement": (
        "ok okay okey okk oki okie okies okz oks k kk np hn chlo thk alright alrite right "
        "sounds got sure fine cool noted "
        "understood understand roger copy gotcha fair enough sense acha accha achha theek "
        "thik tik bilkul behtar bahtar sahi samajh samjh samjha samjhi samajhgaya "
        "chalen chalo chaliye yes yep yup yeah haan han hmm hm ah oh aha dokie doki done "
        "perfect great nice wonderful awesome excellent "
        "اچھا ٹھیک جی ہاں بالکل بہتر سمجھ صحیح زبردست چلیں"
    ),
    "goodbye": (
        "bye byee goodbye gtg ttyl cya later laters night goodnight tc signing gotta "
        "regards hafiz hafeez khudahafiz allahhafiz milte milenge milain milein milen shab ijazat "
        "care khayal khyal aman ملاقات نگہبان "
        "حافظ ملتے ملیں شب الوداع اجازت خیال"
    ),
    "help": (
        "help madad guide menu options instructions commands features tutorial confused "
        "مدد رہنمائی ہیلپ"
    ),
    "rudeness": (
        "useless garbage trash rubbish annoying annoyed irritating terrible horrible awful "
        "worst pathetic stupid stupidest dumb dumbest idiot idiotic nonsense waste wtf ffs "
        "crap sucks disappointed disappointing slow unacceptable nobody kharab bakwas bakwaas "
        "seriously ridiculous bad zaya zaaya ضائع برا "
        "bekar bekaar faltu fazool poor bura buri bure ضیاع "
        "shut ghatiya wahiyat nikamma nikammi bewakoof bewaqoof pagal kachra ullu "
        "disgusting shameful shame sharam sharm besharam embarrassing mismanagement "
        "mismanaged chaos chaotic hopeless substandard unprofessional lousy rude badtameez "
        "ganda gandi gande "
        "بکواس بیکار فضول گھٹیا واہیات نکما نکمی بےوقوف پاگل کچرا ناقص مایوس بری برے شرم "
        "شرمناک بدانتظامی بدتمیز گندا گندی"
    ),
    "nonsense": "bla blah oye hoye uff xd xyz abc abcd lolz lmao rofl",
}
# Judgements strong enough to make a complaint of a clause that names something at the
# event ("pathetic wifi", "wifi is pathetic", "khana bohat ghatiya tha"); the rest of the
# rudeness words ("slow", "kharab", "nobody", "seriously") also report a state the
# organisers may act on, which stays a question. Said before a thing without a verb
# ("terrible food"), only the STRONG ones: "worst case", "poor man's fuzzing" name talks.
# Not "bad": squashed, it is also "baad" (after), as in "lunch ke baad kaunsa session hai".
_JUDGEMENTS = (
    "useless garbage trash rubbish terrible horrible awful worst pathetic stupid dumb "
    "idiotic nonsense crap sucks disappointing unacceptable ridiculous poor bakwas "
    "bekar faltu fazool ghatiya wahiyat bura buri bure kachra disgusting shameful "
    "embarrassing mismanaged chaotic hopeless substandard unprofessional lousy rude "
    "ganda gandi gande بکواس بیکار فضول گھٹیا واہیات برا بری برے ناقص شرمناک گندا گندی"
)
_STRONG = (
    "useless garbage trash rubbish terrible horrible awful pathetic crap sucks "
    "unacceptable ridiculous bakwas bekar faltu fazool ghatiya wahiyat kachra disgusting "
    "shameful embarrassing chaotic hopeless substandard unprofessional lousy "
    "بکواس بیکار فضول گھٹیا واہیات شرمناک"
)
# "the queue is a joke", "mazaq bana rakha hai": a joke only as what something is.
_JOKE = "joke mazak mazaq mazaaq مذاق"
_COPULA = "is are was were am be been hai hain tha thi the thay he h hy ہے ہیں تھا تھی تھے"
# A request in a complaint makes it a question: "wifi is pathetic, please fix it".
_REQUEST = (
    "please kindly fix repair solve resolve sort improve arrange provide send bhejo need "
    "want chahiye dijiye kijiye karwa karwao karwain karein kardein kardo karo krdo kro "
    "theek help madad batao bata btao tell give ٹھیک کریں کیجیے دیجیے چاہیے مدد بتائیں"
)
# What a statement next to a complaint says happened: "line bohat lambi hai", "lunch was
# cold", "wifi nahi chal raha", "standing for 45 mins", "lunch 1:30 pe khatam".
_STATES = (
    "raha rahi rahe rha rhi gaya gayi gaye gya gyi hua hui huye hogaya hogayi hogya "
    "werent wasnt isnt arent dont didnt doesnt cant couldnt wont got "
    "khatam khtm finished over ended "
    "رہا رہی رہے گیا گئی گئے ہوا ہوئی ختم"
)
_DURATION = "min mins minute minutes hr hrs hour hours ghante ghanta gante ghantay mint منٹ گھنٹے"
# Testing the bot: "test", "testing 123", "bot test", "ٹیسٹ".
_TESTING = "test testing tst ٹیسٹ"
# The bot being up: "bot online hai?", "is the bot live", "bot active hai".
_ALIVE = "active live zinda alive online up running run chalu chaalu"
# Knowing: "kuch nahi pata tumhe", "تم کچھ نہیں جانتے", "تمہیں کچھ نہیں پتا", "kuch maloom nahi".
_KNOWS = "aata aati jante janta pata know maloom malum جانتے جانتا آتا پتا پتہ معلوم"
# Found what they looked for: "found it", "thanks, found it".
_FOUND = "found مل"
# Who attendees say they are: "one of the speakers from Madrid".
_ROLES = (
    "speaker speakers attendee attendees participant participants delegate delegates "
    "student students volunteer volunteers panelist panelists presenter presenters trainer "
    "trainers guest guests visitor visitors"
)
# How long something has lasted, in words: "for two hours", "do ghante se", "دو گھنٹے سے".
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten half an ek do teen char chaar panch "
    "paanch aadha adha ایک دو تین چار پانچ آدھا"
)
# Waiting in a queue, said by the attendee of themselves: "I have been standing in the
# queue for two hours", "do ghante se line mein khara hun". Not "waited 2 hours for my
# badge": their own thing (my, mera) is theirs to ask about.
_WAITING = "standing stood queue line khara khari kharay قطار لائن کھڑا کھڑی"
_MINE = "my mine mera meri mere apna apni apne میرا میری میرے اپنا اپنی اپنے"
# How a person is to be reached, dropped from a request for one: "phone pe", "on the phone".
_MEDIUM = "phone fone call whatsapp فون کال"
_MEDIUM_AFTER = "pe par pay per pr پر پہ"
_MEDIUM_BEFORE = "on over via by the a"
# "no one is answering", "nobody is replying here": waiting for a reply, said now.
_NOBODY_WORDS = (
    "nobody noone no one is are s answering replying responding reading here yet still "
    "right now abhi"
)
# A reply awaited, said now: "still waiting", "any response?", "reply kyun nahi kar rahe",
# "abhi tak jawab nahi aya", "جواب کیوں نہیں دے رہے". The attendee asks whether anyone is
# there, with or without a "koi" (someone); timed, judged or about how well it answers
# ("2 ghante se koi jawab nahi", "not answering anything properly") it is a complaint.
_REPLIES = (
    "reply replies replied replying respond responds responding response responses answer "
    "answers answering jawab جواب"
)
_AWAITING = "waiting intezar intizar intezaar intzar انتظار"
_STILL = "still yet abhi tak ابھی تک"
_CAME = "aya aaya ayi aayi aye mila mili received came ایا آیا آئی ملا ملی"
_WHY = "why kyun kyon kyu کیوں"
_NOW = "raha rahi rahe rha rhi rhe رہا رہی رہے"
_HOW_WELL = "properly proper anything sahi theek thik correct correctly clearly"
# The same answer over and over ("same answer again and again", "baar baar wohi jawab",
# "ہر بار وہی جواب"): a complaint about the bot, like "wrong answer".
_SAME = "same wohi wahi vohi yehi yahi وہی یہی"
_AGAIN = "again bar baar har every time dobara phir ہر بار پھر"
# A number to reach someone of the organisers' side by: "kisi team member ka number de
# dein", "the number of someone from the team". Only for SOME person ("kisi", "someone"):
# "organisers ka number chahiye" asks for the contact the FAQ has.
_NUMBER = "number numbr nmbr phone fone mobile cell whatsapp نمبر فون"
_SOME_ONE = "kisi someone somebody کسی"
# Telling the bot to stop its buttons: "stop sending me buttons", "buttons mat bhejo",
# "بٹن مت بھیجیں". Known only together ("stop" alone, "options" alone may ask).
_STOP = "stop mat band بند مت"
_BUTTONS = "button buttons options suggestions choices بٹن"
_SENDING = "sending giving showing bhejna bhejte dikhana dikhao بھیجنا بھیجیں بھیجو"
# Someone, and being there: "koi hai?", "anyone reading these", "کوئی موجود ہے".
_SOMEONE = "anyone anybody someone somebody koi kisi کوئی کسی"
_PRESENCE = (
    "there here home yahan yaha yahaan online reading read replying reply respond responding "
    "jawab sun sunn listening alive awake working mojood maujood available monitored idhar "
    "parha parhta parh replied replies answering یہاں موجود پڑھ سن جواب"
)
_COMING = "aa aana aaye aaen come coming attend join bring ja jaa جا آ آنا آسکتا"
# Words that make a clause help only when it is about the bot or asks something.
_SOFT_HELP = (
    "use using work works kaam chalta chalti istemal istamal isteamal pooch poochun "
    "poochh puch puchun ask questions question sawal sawaal answer bata bta explain chalana "
    "chalega chalate chalaye poochna batata type write likhun likhoon likhna "
    "بتا پوچھیں چلاتے چلانا سوالوں سوالات پوچھوں "
    "استعمال کام پوچھ سوال"
)
# Who the attendee may want, and how they reach them.
_PEOPLE = (
    "human humans insaan insan person people banda bande bandy admin admins organiser "
    "organisers organizer organizers organising organizing team staff support agent "
    "operator representative volunteer volunteers management committee manager member "
    "officer actual secretariat incharge انچارج افسر ذمہ "
    "real asal asli انسان بندہ بندے ایڈمن آرگنائزر آرگنائزرز ٹیم اصل منتظمین انتظامیہ نمائندے "
    "نمائندہ شخص منتظم والنٹیئر ممبر"
)
# Parts of the organisers' side, people only with someone to reach: "talk to someone from
# registration", "connect me with the CTF team", "registration walon se baat karwa dein";
# otherwise a topic ("registration kab band hogi").
_DEPARTMENTS = (
    "registration accreditation media press security ctf finance accounts logistics "
    "hospitality transport protocol sponsorship exhibition "
    "رجسٹریشن میڈیا سیکیورٹی"
)
_STAFFED = "walon wale walay walo والوں والے"
# Desks are people only to reach ("put me through to the helpdesk"), otherwise a place to
# ask about ("is anyone at the helpdesk right now", "madad ke liye helpdesk kahan hai").
_DESKS = "helpdesk reception"
_LONE_PEOPLE = "human humans operator agent insaan insan انسان"
_REACH = (
    "talk speak chat contact rabta connect transfer put through forward touch escalate "
    "call relay convey inform bhej bhejo bulao bulaen baat baaat milao milwao milwa "
    "milwado milwadein karao karwao karwa karwain chahiye "
    "want need get reach message msg bata batao btao karwayen karwaein karayen bolo "
    "pohncha pohnchao pohncha pahuncha pahunchao puhncha pohancha "
    "بات رابطہ ملائیں ملاؤ کرائیں کروائیں کرواؤ چاہیے بلائیں کروا بھیج کرا پہنچا"
)
# The bot itself: "this", "you", "bot".
_ABOUT_BOT = (
    "bot chatbot robot machine ai you u ur your yours youre this app system ye yeh isko "
    "isay tum tu tumse tujhe tumhe tumhein tumko tujhko tmhe tumhari aap ap aapko apko "
    "یہ اس اسے آپ تم تمہیں تجھے بوٹ"
)
_BOTS = "bot chatbot robot machine ai automated بوٹ"
_ME = "i me my mujhe mujh main mein hum humein مجھے میں ہم ہمیں"
# Words with no question in them: pronouns, articles, copulas, particles, intensifiers,
# forms of address. They may stand around any signal.
_FUNCTION = (
    "i im me my mine we us our is are am was were be been being its the a an to as "
    "of for from about into via in on at with by and or but so very really too just "
    "totally absolutely actually quite extremely all ever even still now rn then again any much "
    "many lot lots bunch big such do does did doing done have has had having will would "
    "can could should shall may might must not no dont didnt isnt arent cant wont never "
    "nothing anything thing things stuff one other side good gud great nice well please "
    "pls plz plzz kindly sir sirji madam maam mam bro bhai bhaijan jan jaan yaar yar dost "
    "dosto doston friend friends mate buddy dear respected janab jinab huzoor sahab sahib "
    "boss ustad guys everyone all ji jee g sb sab sabko sabhi lol haha "
    "ye yeh yah wo woh vo is isko isay iss us usko mai main mein mera meri mere mujhe "
    "hum hamara hai hain hy he h ho hun hoon hu tha thi the thay ka ki ke ko se ne par pe "
    "bhi to toh hi na nahi nhi nai nahin kuch bohat bahut bht boht bohot kafi zyada sach "
    "itna itni bari bara thori thora sm "
    "kar karo kardo karein kardein karna karni karne kr krdo krde krdein krein krna krni krne "
    "kiya raha rahi rahe gaya gayi gaye "
    "gya gyi diya de do dein dena dene deta deti dete aata aati aaya aayi ab abhi phir fir kal "
    "ya aur lekin magar bas sirf wala wali wale karega karegi karenge karta karti karte "
    "karun karoon karu karen hoga hogi hoge hogaya hogayi sakta sakti sakte sakein lo "
    "lein le dijiye dijye kijiye kijye chahta chahti chahte guzar guzaar r id ive like "
    "kind kinds types sort list show tell give bataen bataein dikhao "
    "that those these see supposed tomorrow today off msgs messages "
    "wahan home total used cheez answers service experience response makes bakhair "
    "o wa talking chatting speaking arz allah khush hope umeed khairiyat finds find "
    "go beaucoup apna apni take khuda up jnb walo walon mil let live concerned getting masla "
    "maslah problem issue most clearly fix honestly hours ghante intezam tareeqa krdo krdein "
    "krden kare mujhse ge fi inshallah catch new hota it dimagh man buht know liye end jo "
    "urgently urgent regarding query keep giving af proper properly hogi our asked thats "
    "around million exactly check out mila ill mind honge log able info information waiting "
    "hour tak "
    "وہاں سکتا سکتی سکتے اللہ بخیر و عرض کرتا کرتی کرتے کرنا کیجیے کیجئے درکار محترم بیٹا "
    "گزار کروں فرمائیں دیجیے دار انتہائی دے گا ہوگی دیتے وقت انتظام خدا چیز لیے تک "
    "میں مجھے میرا میری میرے ہم ہمارا ہے ہیں ہو ہوں تھا تھی تھے کا کی کے کو سے نے پر "
    "بھی تو ہی نہ نہیں کچھ بہت کافی سب سبھی کر کرو کریں کرنی رہا رہی گیا گئی گئے گے "
    "دیا دیں آتا آتی ابھی پھر کل اور لیکن بس جی بھائی جان دوست دوستو صاحب جناب عالی "
    "پلیز براہ کرم یا خوش بند سروس امید خیریت اپنا اپنی رکھیں"
)
# Where a greeting or goodbye may be said from or to: "greetings from Lahore" is read as
# chatter only with these or with "from" before one to three unknown words.
_PLACES = "conference event venue feb february day days ncsc ceremony closing keynote کانفرنس"
# Wh-words: a clause with one asks something.
_WH = (
    "what whats wat wht where whr when wen who whom whose which why how hw kab kahan "
    "kahaan kidhar kaise kia kya kis kesay kaisay kese kitna kitne kitni kaun kon konsa "
    "konsi konse kaunsa kaunsi kaunse kyun kyon kyu "
    "کیا کب کہاں کدھر کیسے کتنا کتنے کتنی کون کونسا کونسی کیوں کس کن"
)
# "How are you": kaisa, kese... with nothing else is a greeting.
_HOW_ARE_YOU = "kaisa kaisi kaise kese kesa kesi kaisay kesay کیسا کیسی کیسے"
_HAAL = "hal chal حال چال"  # "hal" is also "hall" squashed: a greeting only with kya/kaisa
# Kinds that may come with a wh-word: they are questions to the bot, not about the event.
_ASKING_KINDS = frozenset({"help", "anyone_there", "rudeness", "greeting"})
_NEGATIONS = (
    "not no nahi nhi nai nahin na dont didnt doesnt isnt arent wasnt werent havent hasnt cant "
    "wont never نہیں نہ"
)
# "not helpful", "not answering anything": complaints.
_HELPFUL = (
    "help helpful helping helped useful kaam faida fayda answer answering answered replying فائدہ"
)
_PAST = "hogayi hogaya hui hua mili gayi gaya aaya"  # "bari help hogayi": it helped
_WRONG = "wrong galat غلط"  # wrong answers are a complaint, a wrong room is a question
# The event itself, which a complaint may name ("pathetic arrangements", "very poor
# management"): plain words only next to a rudeness word, otherwise a topic to ask about.
_EVENT = (
    "arrangements arrangement management organisation organization intizam intizamat "
    "intezam intezamat event conference انتظام انتظامات"
)
# Whether the bot runs: "ye bot chal raha hai?", "کیا یہ بوٹ کام کر رہا ہے".
_RUNS = "chal chalta chalti kaam running کام چل چلتا"
# Management itself, which "koi intezam nahi" / "no arrangements at all" says is missing.
_MANAGEMENT = (
    "arrangements arrangement management organisation organization intizam intizamat "
    "intezam intezamat انتظام انتظامات"
)
# "pass"/"send" reach someone only when what follows is the message: "pass this to the
# team", "send it to someone"; "pass for my team" is a ticket.
_PASSES = "pass send"
_PASSED = "this it these my on along kar kr karo kardo krdo karein kardein"
_PROGRESSIVE = "raha rahi rha rhi رہا رہی"
_UNDERSTAND = "samajh samjh understand سمجھ"
# Asking WHOM to reach ("whom do I contact for help", "kis se rabta karun", "مدد کے لیے کس
# سے رابطہ کریں") asks for contact details, which the FAQ answers: a question, not help.
_WHOM = "who whom whose kis kisse kaun kon کس کون کن"
_SOON = "ya you u tomorrow soon later kal around"
# Words that are chatter only when they are the whole clause ("hy" is also "hai").
ALONE: dict[str, str] = {"hy": "greeting", "hii": "greeting", "g": "acknowledgement"}
_AUX = "is are am can could do does did will would should was were"
_FUZZY_MIN_LENGTH = 5  # a one-letter slip is only safe to forgive in a longer word


@dataclass(frozen=True, slots=True)
class _Tables:
    signals: dict[str, ChatterKind]
    someone: frozenset[str]
    presence: frozenset[str]
    coming: frozenset[str]
    soft_help: frozenset[str]
    people: frozenset[str]
    lone_people: frozenset[str]
    reach: frozenset[str]
    about_bot: frozenset[str]
    whom: frozenset[str]
    event: frozenset[str]
    runs: frozenset[str]
    progressive: frozenset[str]
    bots: frozenset[str]
    me: frozenset[str]
    function: frozenset[str]
    places: frozenset[str]
    wh: frozenset[str]
    how_are_you: frozenset[str]
    haal: frozenset[str]
    hal: frozenset[str]
    how_is: frozenset[str]
    plain: frozenset[str]
    time_of_day: frozenset[str]
    good: frozenset[str]
    negations: frozenset[str]
    helpful: frozenset[str]
    past: frozenset[str]
    wrong: frozenset[str]
    understand: frozenset[str]
    soon: frozenset[str]
    see: frozenset[str]
    talking: frozenset[str]
    working: frozenset[str]
    thing_on: frozenset[str]
    here: frozenset[str]
    messages: frozenset[str]
    escalate: frozenset[str]
    asked: frozenset[str]
    about: frozenset[str]
    knows: frozenset[str]
    replies: frozenset[str]
    awaiting: frozenset[str]
    still: frozenset[str]
    came: frozenset[str]
    why: frozenset[str]
    now: frozenset[str]
    how_well: frozenset[str]
    same: frozenset[str]
    again: frozenset[str]
    stop: frozenset[str]
    buttons: frozenset[str]
    sending: frozenset[str]
    number: frozenset[str]
    some_one: frozenset[str]
    aux: frozenset[str]
    stems: dict[str, str]
    asking: frozenset[str]
    is_there: frozenset[str]
    answers: frozenset[str]
    hope: frozenset[str]
    well: frozenset[str]
    time: frozenset[str]
    waste: frozenset[str]
    judgements: frozenset[str]
    strong: frozenset[str]
    joke: frozenset[str]
    copula: frozenset[str]
    request: frozenset[str]
    states: frozenset[str]
    duration: frozenset[str]
    nobody_words: frozenset[str]
    nobody: frozenset[str]
    medium: frozenset[str]
    medium_after: frozenset[str]
    medium_before: frozenset[str]
    number_words: frozenset[str]
    waiting: frozenset[str]
    mine: frozenset[str]
    testing: frozenset[str]
    alive: frozenset[str]
    found: frozenset[str]
    roles: frozenset[str]
    desks: frozenset[str]
    departments: frozenset[str]
    very: frozenset[str]
    staffed: frozenset[str]
    management: frozenset[str]
    passes: frozenset[str]
    passed: frozenset[str]
    shame: frozenset[str]
    contrast: frozenset[str]
    work: frozenset[str]
    actions: frozenset[str]
    pending: frozenset[str]
    fuzzy: tuple[str, ...]


@dataclass(slots=True)
class _Seen:
    """What one clause holds, word class by word class."""

    found: list[ChatterKind]
    keys: frozenset[str]
    order: Sequence[str]
    unknown: list[str]
    # Words known only as part of a two-word kind ("bot" + "chal raha", "found" + "it"):
    # when no kind comes of them they may carry a question, like unknown words.
    pending: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # the pending words a two-word kind used
    how_are_you: bool = False  # its only wh-words are "how" in "how are you"
    people: bool = False
    reach: bool = False
    soft_help: bool = False
    wh: bool = False


def _negated(keys: Sequence[str], negations: frozenset[str]) -> bool:
    """A negation, except the question tag "or not" / "ya nahi" ("koi hai ya nahi?")."""
    return any(
        key in negations and not (i and keys[i - 1] in ("ya", "or", "یا"))
        for i, key in enumerate(keys)
    )


class WordReader:
    """Reads one clause's keys word by word; see the module docstring for the rules."""

    def __init__(self, keys: Callable[[str], tuple[str, ...]], filler: frozenset[str]) -> None:
        def folded(block: str) -> frozenset[str]:
            return frozenset(k for word in block.split() for k in keys(word))

        signals: dict[str, ChatterKind] = {}
        for kind, block in _SIGNALS.items():
            for word in block.split():
                # A word the spelling table splits ("goodnight" = good night) would make
                # its parts signals: "good" is no goodbye.
                if len(parts := keys(word)) == 1:
                    signals.setdefault(parts[0], cast("ChatterKind", kind))
        # Stems of every listed word, for the inflections nobody listed: "answering",
        # "replies", "asked" meet "answer", "reply", "ask".
        stemmer = snowballstemmer.stemmer("english")
        stems: dict[str, str] = {}
        for block in (_FUNCTION, _SOFT_HELP, _PEOPLE, _REACH, _PRESENCE, _ABOUT_BOT):
            for key in folded(block):
                if key.isascii() and len(key) > 3:
                    stems.setdefault(stemmer.stemWord(key), key)
        self._stem = stemmer.stemWord
        self._t = _Tables(
            signals=signals,
            someone=folded(_SOMEONE),
            presence=folded(_PRESENCE),
            coming=folded(_COMING),
            soft_help=folded(_SOFT_HELP),
            people=folded(_PEOPLE),
            lone_people=folded(_LONE_PEOPLE),
            reach=folded(_REACH),
            about_bot=folded(_ABOUT_BOT),
            whom=folded(_WHOM),
            event=folded(_EVENT),
            runs=folded(_RUNS),
            progressive=folded(_PROGRESSIVE),
            bots=folded(_BOTS),
            me=folded(_ME),
            function=folded(_FUNCTION) | filler,
            places=folded(_PLACES),
            wh=folded(_WH),
            how_are_you=folded(_HOW_ARE_YOU),
            haal=folded(_HAAL),
            hal=folded("hal haal حال"),
            how_is=folded(_HOW_ARE_YOU + " kya kia kiya کیا"),
            plain=folded(_FUNCTION) | filler | folded(_ABOUT_BOT),
            time_of_day=folded("morning evening afternoon"),
            good=folded("good gud subah very"),
            negations=folded(_NEGATIONS),
            helpful=folded(_HELPFUL),
            past=folded(_PAST),
            wrong=folded(_WRONG),
            understand=folded(_UNDERSTAND),
            soon=folded(_SOON),
            see=folded("see"),
            talking=folded("talking chatting baat بات"),
            working=folded("working"),
            thing_on=folded("thing on"),
            here=folded("here"),
            messages=folded("message msg call"),
            escalate=folded("escalate"),
            asked=folded("asked"),
            about=folded("about regarding concerning baare mutaliq متعلق بارے"),
            knows=folded(_KNOWS),
            replies=folded(_REPLIES),
            awaiting=folded(_AWAITING),
            still=folded(_STILL),
            came=folded(_CAME),
            why=folded(_WHY),
            now=folded(_NOW),
            how_well=folded(_HOW_WELL),
            same=folded(_SAME),
            again=folded(_AGAIN),
            stop=folded(_STOP),
            buttons=folded(_BUTTONS),
            sending=folded(_SENDING),
            number=folded(_NUMBER),
            some_one=folded(_SOME_ONE),
            aux=folded(_AUX),
            stems=stems,
            asking=folded(
                "pooch poochun poochh puch puchun poochna ask sawal sawaal bata bta batata type "
                "write likhun likhoon likhna پوچھ پوچھوں سوال"
            ),
            is_there=folded("hai ہے"),
            answers=folded("jawab answers answer جواب"),
            hope=folded("hope umeed امید"),
            well=folded("well fine good theek khairiyat خیریت ٹھیک"),
            time=folded("time"),
            waste=folded("waste"),
            judgements=folded(_JUDGEMENTS),
            strong=folded(_STRONG),
            joke=folded(_JOKE),
            copula=folded(_COPULA),
            request=folded(_REQUEST),
            states=folded(_STATES),
            duration=folded(_DURATION),
            nobody_words=folded(_NOBODY_WORDS),
            nobody=folded("nobody noone"),
            medium=folded(_MEDIUM),
            medium_after=folded(_MEDIUM_AFTER),
            medium_before=folded(_MEDIUM_BEFORE),
            number_words=folded(_NUMBER_WORDS),
            waiting=folded(_WAITING),
            mine=folded(_MINE),
            testing=folded(_TESTING),
            alive=folded(_ALIVE),
            found=folded(_FOUND),
            roles=folded(_ROLES),
            desks=folded(_DESKS),
            departments=folded(_DEPARTMENTS),
            very=folded("very so too really quite extremely pretty"),
            staffed=folded(_STAFFED + " " + _PEOPLE + " " + _SOMEONE),
            management=folded(_MANAGEMENT),
            passes=folded(_PASSES),
            passed=folded(_PASSED),
            shame=folded("sharam sharm شرم"),
            work=folded("work works working worked"),
            actions=folded("fix repair solve resolve sort improve arrange provide"),
            contrast=folded("but lekin magar par however though لیکن مگر"),
            pending=folded(
                " ".join(
                    (
                        *(_RUNS, _PROGRESSIVE, _JOKE, _TESTING, _ALIVE, _FOUND, _MANAGEMENT),
                        *(_KNOWS, _AWAITING, _STILL, _CAME, _SAME, _AGAIN),
                        *(_STOP, _BUTTONS, _SENDING),
                    )
                )
            ),
            fuzzy=tuple(k for k in signals if len(k) >= _FUZZY_MIN_LENGTH and k.isascii()),
        )

    def kinds(self, keys: Sequence[str], asks: bool) -> list[ChatterKind] | None:
        """The clause's chatter kinds; [] when it holds only words that ask nothing (a form
        of address, pronouns); None when it may be a question."""
        keys = self._without_medium(keys)
        seen = self._classify(keys)
        if seen is None or self._works_for(keys):
            return None
        found = self._combine(seen, asks)
        # Words known only as part of a two-word kind that did not come: maybe a question
        # ("running late", "wifi chal raha hai?").
        seen.unknown.extend(k for k in seen.pending if k not in seen.used)
        complains = self._complains(seen, found, asks)
        if seen.unknown and not complains and not self._said_from(seen, found, keys, asks):
            return None
        if (
            seen.keys & self._t.places
            and not {"greeting", "goodbye", "ask_for_person"} & set(found)
            and not complains
        ):
            return None  # "any evening event on day 2": the event is what they ask about
        if not found:
            if seen.wh or seen.people or seen.reach or seen.soft_help or asks:
                return None  # "call home", "need to transfer my 401 k": a request
            return []
        if "ask_for_person" in found and self._about_something(keys):
            return None  # "can i talk to someone about volunteering": the topic matters
        if "greeting" in found and self._asks_after_greeting(keys):
            return None  # "good morning is the conference on today"
        if seen.wh and not set(found) <= _ASKING_KINDS:
            return None
        if found == ["greeting"] and seen.how_are_you:
            return found  # "کیسے ہیں آپ سب؟", "aap kaise hain?"
        if asks and not set(found) <= _ASKING_KINDS | {"ask_for_person"}:
            return None  # "team se baat ho sakti hai?" still asks for a person
        if seen.wh and "greeting" in found and not seen.keys & self._t.hal:
            return None  # "hello, where is lunch" is not "how are you"
        return found

    def _classify(self, keys: Sequence[str]) -> _Seen | None:
        t = self._t
        key_set = frozenset(keys)
        seen = _Seen([], key_set, keys, [])
        negated = _negated(keys, t.negations)
        for position, key in enumerate(keys):
            if key.isdigit() or (key in t.time and key_set & t.waste):
                continue  # "test 123", "waste of my time"
            if key in t.haal and key_set & t.hal and key_set & t.how_is:
                continue  # "kia haal hy", "haal chaal": see _combine
            if key in t.time_of_day and not key_set & t.good and not key_set <= t.plain | {key}:
                seen.unknown.append(key)  # "evening" greets alone, as "good evening" or
                continue  # "evening all"; "any evening event" asks about one
            # "k", "ty", "tc" are chatter alone, and mere letters inside a sentence.
            demoted = (
                position > 0 and len(key) <= 2 and key.isascii() and len(keys) > 2
            ) and key in t.signals
            kind = None if demoted else t.signals.get(key)
            if key in t.helpful and negated:
                seen.found.append("rudeness")  # "not helping", "koi faida nahi"
            elif key in t.helpful and key_set & t.past:
                seen.found.append("thanks")  # "bari help hogayi"
            elif kind is not None:
                seen.found.append(kind)
            elif key in t.people:
                seen.people = True
            elif (
                key in t.number
                and key_set & t.some_one
                and key_set & t.people
                and not key_set & t.mine
            ):
                # "kisi team member ka number de dein": how to reach someone of theirs; not
                # "the number of someone in my team" (the attendee's own people).
                seen.reach = True
            elif key in t.departments and key_set & t.reach and key_set & t.staffed:
                seen.people = True  # "someone from registration", "registration walon se"
            elif key in t.reach or (
                key in t.passes and position + 1 < len(keys) and keys[position + 1] in t.passed
            ):
                seen.reach = True  # "pass this to the team"
            elif key in t.desks and key_set & t.reach:
                seen.people = True  # "put me through to the helpdesk"
            elif key in t.soft_help:
                seen.soft_help = True
            elif key in t.wh and key in t.how_are_you and not seen.wh:
                seen.how_are_you = True
            elif key == "how" and tuple(keys[position + 1 : position + 3]) == ("are", "you"):
                seen.how_are_you = not seen.wh  # "how are you doing today": a greeting
            elif key in t.wh:
                seen.wh = True
                seen.how_are_you = False
            elif (
                key in t.about_bot
                or key in t.how_are_you
                or key in t.function
                or key in t.someone
                or key in t.presence
                or key in t.coming
                or key in t.places
                or key in t.wrong
                or demoted
                or (key in t.event and "rudeness" in {t.signals.get(k) for k in key_set})
            ):
                pass
            elif key in t.pending:
                seen.pending.append(key)
            elif (near := self._near(key)) is not None:
                seen.found.append(near)
            elif (known := self._inflected(key)) is not None:
                return self._classify([known if k == key else k for k in keys])
            else:
                seen.unknown.append(key)
        if seen.how_are_you and (seen.people or seen.reach or seen.soft_help):
            seen.wh = True  # "organizers se contact kaise karun": how, not how are you
        return seen

    def _waiting(self, seen: _Seen) -> bool:
        """Nobody is answering right now ("koi jawab nahi de raha", "no one is replying",
        "کوئی جواب نہیں دے رہا"): progressive, with no duration ("2 ghante se"), no
        digits and no rude word, so what is said is "is anyone there", not a complaint."""
        t, keys = self._t, seen.keys
        now = bool(keys & t.progressive) or any(k.endswith("ing") for k in keys & t.presence)
        return (
            now
            and not keys & t.duration
            and not any(k.isdigit() for k in keys)
            and not keys & t.judgements
        )

    def _combine(self, seen: _Seen, asks: bool) -> list[ChatterKind]:
        """The kinds that need two words, added to (or taking over from) the single ones."""
        t, keys, found = self._t, seen.keys, seen.found
        about_bot = bool(keys & t.about_bot)
        bots = bool(keys & t.bots)
        negated = _negated(seen.order, t.negations)
        # Someone who should reach out, not someone who got a message: "can someone
        # contact me" asks for a person, "kisi ne mera msg parha?" asks if anyone is there.
        someone = bool(keys & t.someone) and bool(keys & t.reach - t.messages)
        if (seen.people or someone) and seen.reach and not seen.wh:
            # "talk to the organisers", "can someone from NCSC call me"
            found = [*(k for k in found if k != "anyone_there"), "ask_for_person"]
        elif keys & t.escalate and not seen.wh:
            found.append("ask_for_person")  # "escalate this please"
        elif seen.people and about_bot and asks and not bots:
            found.append("anyone_there")  # "are you a real person?"
        elif seen.people and keys & t.presence - t.here:
            found.append("anyone_there")  # "is a real person replying to this"
        elif seen.people and keys & t.lone_people and about_bot and not bots:
            found.append("anyone_there")  # "کیا آپ انسان ہیں؟", "are you human"
        elif seen.people and keys & t.lone_people and not (bots and not negated):
            found.append("ask_for_person")  # "operator", "real human pls not a bot"
        elif bots and (seen.people or keys & t.talking):
            found.append("anyone_there")  # "am i talking to a bot", "bot hai ya insaan"
        if about_bot and (keys & t.working or keys >= t.thing_on):
            found.append("anyone_there")  # "is this working", "is this thing on"
        if keys & t.testing and not seen.wh and seen.order[0] not in t.aux:
            # "test", "testing 123", "bot test": trying whether the bot answers; "is there
            # a test?" asks about one.
            found = [*(k for k in found if k != "nonsense"), "anyone_there"]
            seen.used |= keys & t.testing
        if bots and keys & t.alive and not negated:
            found.append("anyone_there")  # "bot online hai?", "is the bot live"
            seen.used |= keys & t.alive
        if keys & t.found and not negated and not seen.wh:
            found.append("acknowledgement")  # "found it", "ok found it"
            seen.used |= keys & t.found
        if keys & t.joke and keys & t.copula and not seen.wh:
            found.append("rudeness")  # "the queue is a joke", "mazaq hai ye"
            seen.used |= keys & t.joke
        if keys & t.management and negated and not seen.wh and not asks:
            found.append("rudeness")  # "koi intezam nahi", "no arrangements at all"
            seen.used |= keys & t.management
        if bots and keys & t.runs and keys & t.progressive and not keys & t.how_are_you:
            seen.used |= keys & (t.runs | t.progressive)
            # "ye bot chal raha hai?", "کیا یہ بوٹ کام کر رہا ہے": is it on, not how to use it
            found = [*(k for k in found if k != "help"), "anyone_there"]
        if (
            keys & t.someone
            and not keys & t.coming
            and not seen.people
            and (keys & t.presence or asks or keys & t.is_there)
        ):
            # "koi hai?", "anyone reading these"; "2 ghante se koi jawab nahi" (nobody
            # answers) is a complaint, "koi jawab kyun nahi de raha" asks if anyone is there,
            # and so does "koi jawab nahi de raha" / "no one is answering" said now, with
            # no time it has lasted: the attendee waits for a reply, not to complain.
            waiting = self._waiting(seen)
            found.append("rudeness" if negated and not seen.wh and not waiting else "anyone_there")
        if self._awaits_reply(seen):
            # "still waiting", "any response?", "reply kyun nahi kar rahe", "koi jawab nahi
            # aya": a reply awaited now, not how well the bot answers ("not helping") nor
            # what it is for ("answer" asks for help only about the bot).
            drop = ("rudeness", "help", "nonsense", "acknowledgement")
            found = [*(k for k in found if k not in drop), "anyone_there"]
            seen.used |= keys & (t.awaiting | t.still | t.came)
        if keys & t.stop and keys & t.buttons and not seen.wh:
            found.append("rudeness")  # "stop sending me buttons", "buttons mat bhejo"
            seen.used |= keys & (t.stop | t.buttons | t.sending)
        if self._same_answer(seen):
            found.append("rudeness")  # "same answer again and again", "baar baar wohi jawab"
            seen.used |= keys & (t.same | t.again)
        if keys & t.hal and keys & t.how_is and not found:
            found.append("greeting")  # "kia haal hy", "کیا حال چال ہیں"
        if keys & t.hope and keys & t.well:
            found.append("greeting")  # "hope all is well", "hope this finds you well"
        if keys & t.see and keys & t.soon:
            found.append("goodbye")  # "see ya tomorrow", "see u soon"
        if negated and about_bot and keys & t.knows:
            found.append("rudeness")  # "kuch nahi aata tujhe", "تم کچھ نہیں جانتے"
            seen.used |= keys & t.knows
        if negated and keys & t.asked:
            found.append("rudeness")  # "that's not what I asked"
        if keys & t.wrong and (about_bot or keys & t.answers):
            found.append("rudeness")  # "your answers are wrong", "jawab hi galat"
        if keys & t.whom and seen.reach:
            found = [k for k in found if k != "help"]  # "whom do I contact for help"
        if "thanks" in found and "help" in found:
            found = [k for k in found if k != "help"]  # "really appreciate the help"
        if negated and keys & t.understand:
            # "mujhe samajh nahi aa raha" asks for help, and so does not knowing how it
            # works; "kuch samajh nahi aata isko" (it understands nothing) is a complaint.
            asks_how = seen.soft_help or seen.wh
            blames_bot = about_bot and not keys & t.me and not asks_how
            found = [
                *(k for k in found if k != "acknowledgement"),
                "rudeness" if blames_bot else "help",
            ]
        asks_the_bot = bool(keys & t.asking)  # "kya kya pooch sakte hain"
        short_how = seen.wh and len(keys) <= 3  # "how to use", "kaise use karun"
        helpish = seen.soft_help or asks_the_bot
        if helpish and (about_bot or asks_the_bot or asks or short_how) and not found:
            found.append("help")
        if seen.wh and about_bot and not found and not seen.people and len(keys) <= 5:
            found.append("help")  # "what are you", "ye kya hai", "what is this bot for"
        if (
            seen.how_are_you
            and about_bot
            and not seen.soft_help
            and not seen.people
            and (not found or found == ["greeting"])
        ):
            found = ["greeting"]  # "aap kaise hain", "kaisa hai", "کیسے ہیں آپ"
        return found

    def _awaits_reply(self, seen: _Seen) -> bool:
        """A reply awaited, said now: waiting ("still waiting", "intezar kar raha hun"), "any"
        reply ("any response?"), or no reply, asked why, going on or still ("reply kyun nahi
        kar rahe", "abhi tak jawab nahi aya"). Not with a person named (the readings of a
        person decide), a time it has lasted, a judgement or how well it answers: those
        are complaints ("2 ghante se koi jawab nahi", "not answering anything properly")."""
        t, keys = self._t, seen.keys
        if seen.people or seen.order[0] in t.aux or keys & t.duration:
            return False  # "is there any response from the organisers", "waiting 2 hours"
        if any(k.isdigit() for k in keys) or keys & (t.judgements | t.wrong | t.how_well):
            return False
        if any(t.signals.get(k) == "rudeness" for k in keys):
            return False  # "nobody replied", "slow reply"
        if any(k in t.wh and k not in t.why for k in keys):
            return False  # "when will i get a reply"
        replies = bool(keys & t.replies)
        if keys & t.awaiting or (replies and "any" in keys):
            return True
        going_on = bool(keys & (t.why | t.now | t.still | t.came)) or any(
            k.endswith("ing") for k in keys & t.replies
        )
        return replies and going_on and _negated(seen.order, t.negations)

    def _same_answer(self, seen: _Seen) -> bool:
        """The same answer over and over: "same answer again and again", "you keep giving
        the same reply", "baar baar wohi jawab", "ہر بار وہی جواب". Needs an answer and
        a "same" or a repeated "again"/"baar"; asked with "when" or "is ..." it stays a
        question ("is the answer the same for students?" has a word of its own anyway)."""
        t, keys, order = self._t, seen.keys, seen.order
        if not keys & t.replies or seen.people or order[0] in t.aux:
            return False
        if any(k in t.wh and k not in t.why for k in keys):
            return False
        repeated = any(order.count(k) > 1 for k in keys & t.again)
        return bool(keys & t.same) or repeated

    def _works_for(self, keys: Sequence[str]) -> bool:
        """ "who do you work for", "are you working for me": whose bot this is, which the
        FAQ may answer (the organisers), not whether it works or how to use it."""
        return any(
            key in self._t.work and tuple(keys[i + 1 : i + 2]) == ("for",)
            for i, key in enumerate(keys)
        )

    def _complains(self, seen: _Seen, found: list[ChatterKind], asks: bool) -> bool:
        """ "wifi is pathetic", "khana bohat ghatiya tha", "the queue is a joke": a
        judgement on something at the event (up to three words the reading does not know,
        the thing), asking and requesting nothing. A plain report ("AC kharab hai", "wifi
        is slow") stays a question: the organisers may act on it."""
        t, keys = self._t, seen.keys
        if asks or seen.wh or len(seen.unknown) > 3:
            return False
        if "rudeness" not in found or not set(found) <= {"rudeness", "acknowledgement"}:
            return False  # "bilkul bakwas" is no nod
        if seen.order[0] in t.aux or _negated(seen.order, t.negations):
            return False  # "is the food bad", "food is not bad"
        if self.requests(seen.order):
            return False  # "wifi is pathetic please fix it"
        if seen.soft_help or keys & t.contrast:
            return False  # "useless question maybe but is there an atm nearby"
        judged = keys & t.judgements
        order = seen.order
        if any(k == "bad" and i and order[i - 1] in t.very for i, k in enumerate(order)):
            # "very bad", "so bad": English, so not "baad" (after), which follows "ke".
            judged = judged | {"bad"}
        said = bool(keys & t.copula)  # a judgement said of the thing, not a talk's title
        return bool(judged & t.strong) or bool(judged and said) or bool(keys & t.joke and said)

    def requests(self, keys: Sequence[str]) -> bool:
        """A request ("please fix", "theek karo", "chahiye"); "sharam karo" is none."""
        t = self._t
        return any(
            key in t.request and not (i and keys[i - 1] in t.shame) for i, key in enumerate(keys)
        )

    def states(self, keys: Sequence[str], asks: bool) -> bool:
        """A clause that tells what happened to someone else's thing and asks nothing: "line
        bohat lambi hai", "lunch was cold", "wifi nahi chal raha", "standing for 45 mins".
        Next to a complaint it is part of the complaint; alone it stays a question."""
        t = self._t
        if asks or not keys or len(keys) > 15 or keys[0] in t.aux:
            return False  # "is the queue always this long"
        timed = any(k.isdigit() or k in t.number_words for k in keys) and any(
            k in t.duration for k in keys
        )
        # The attendee's own wait, timed, is what went wrong too: "I have been standing in
        # the queue for two hours and nobody is guiding anyone".
        waited = timed and bool(set(keys) & t.waiting) and not set(keys) & t.mine
        if any(key in t.wh for key in keys) or self.requests(keys):
            return False  # "where do I complain"
        if any(key in t.me for key in keys) and not waited:
            return False  # "I can't find my bag": theirs to answer
        return timed or any(
            key in t.copula or key in t.states or key in t.negations for key in keys
        )

    def _without_medium(self, keys: Sequence[str]) -> Sequence[str]:
        """Drop how a person is to be reached ("phone pe", "on the phone", "فون پر") from a
        request for a person: "kisi organiser se phone pe baat karwa dein" asks for an
        organiser like "kisi organiser se baat karwa dein". Only with a person of the
        organisers' side to reach and a way to reach them, so "phone pe baat ho sakti
        hai?" and "registration desk ka phone number" keep their words."""
        t = self._t
        kept = list(keys)
        for i, key in enumerate(keys):
            if key not in t.medium:
                continue
            after = keys[i + 1] if i + 1 < len(keys) else ""
            before = [k for k in keys[max(0, i - 2) : i] if k in t.medium_before]
            if after in t.medium_after:
                kept[i] = kept[i + 1] = ""
            elif before and keys[i - 1] in t.medium_before:
                kept[i] = ""
                for j in range(i - 1, max(-1, i - 3), -1):
                    if keys[j] not in t.medium_before:
                        break
                    kept[j] = ""
        rest = [k for k in kept if k]
        if len(rest) == len(keys):
            return keys
        # A person of the organisers' side, named: "talk to someone on the phone" may be
        # a call the attendee wants to make.
        return tuple(rest) if set(rest) & t.people and set(rest) & t.reach else keys

    def nobody_answering(self, keys: Sequence[str]) -> bool:
        """ "no one is answering", "nobody is replying here": the English form of "koi jawab
        nahi de raha", said while waiting for a reply (anyone there?), not a complaint.
        Only these words: a place, a thing or a time ("... at the registration desk
        phone", "nobody has replied in 2 hours") leaves the clause to the other readings."""
        rest = [k for k in keys if k not in self._t.nobody_words]
        said_nobody = bool(set(keys) & self._t.nobody) or ("no" in keys and "one" in keys)
        return said_nobody and not rest and any(k.endswith("ing") for k in keys)

    def acts(self, keys: Sequence[str]) -> bool:
        """Asks the organisers to do something: "please fix it", "kuch arrange karo"."""
        return bool(set(keys) & self._t.actions)

    def about_bot(self, keys: Sequence[str]) -> bool:
        return bool(set(keys) & self._t.about_bot)

    def plain(self, key: str) -> bool:
        """A word that asks nothing on its own: function words, forms of address."""
        return key in self._t.plain

    def wh(self, key: str) -> bool:
        return key in self._t.wh

    def negation(self, key: str) -> bool:
        return key in self._t.negations

    def role(self, key: str) -> bool:
        """Who an attendee says they are: "speaker", "delegate", "student"."""
        return key in self._t.roles

    def greets(self, key: str) -> bool:
        return self._t.signals.get(key) == "greeting"

    def asks_something(self, key: str) -> bool:
        """A wh-word, a negation or a request word: an introduction never holds one."""
        t = self._t
        return key in t.wh or key in t.negations or key in t.request or key in t.aux

    def _about_something(self, keys: Sequence[str]) -> bool:
        """ "about"/"regarding" with a word after it: asking for a person about a topic."""
        return any(key in self._t.about and i + 1 < len(keys) for i, key in enumerate(keys))

    def _asks_after_greeting(self, keys: Sequence[str]) -> bool:
        """A yes/no question run on after a greeting with no comma: "hi is lunch free"."""
        t = self._t
        for i, key in enumerate(keys[:-1]):
            if t.signals.get(key) == "greeting" and keys[i + 1] in t.aux:
                return keys[i + 2] not in t.about_bot if i + 2 < len(keys) else False
        return False

    def _said_from(
        self, seen: _Seen, found: list[ChatterKind], keys: Sequence[str], asks: bool
    ) -> bool:
        """ "greetings from Lahore", "see ya at the closing ceremony": who greets or where
        to meet, not a question. Only with a greeting or goodbye, no wh-word or question
        mark, and at most three unknown words, all after "from" or "at"."""
        # Asking for a person about something ("...about my refund") stays a question:
        # the organisers need the topic, and the FAQ may answer it.
        if asks or seen.wh or not {"greeting", "goodbye"} & set(found):
            return False
        marks = [i for i, key in enumerate(keys) if key in ("from", "at")]
        if not marks or len(seen.unknown) > 3:
            return False
        after = keys[marks[0] + 1 :]
        return all(word in after for word in seen.unknown)

    def _inflected(self, key: str) -> str | None:
        """The listed word an unlisted inflection stands for ("answering" -> "answer")."""
        if not key.isascii() or len(key) <= 3:
            return None
        known = self._t.stems.get(self._stem(key))
        return known if known != key else None

    def _near(self, key: str) -> ChatterKind | None:
        """A signal word misspelt by one letter ("hellow", "asslam"), in longer words."""
        if len(key) < _FUZZY_MIN_LENGTH or not key.isascii():
            return None
        for signal in self._t.fuzzy:
            if key.rstrip("s") == signal.rstrip("s"):
                continue  # a plural is another word: "rights" is not "right"
            if (
                abs(len(signal) - len(key)) <= 1
                and max(len(signal), len(key)) > _FUZZY_MIN_LENGTH
                and Levenshtein.distance(key, signal) <= 1
            ):
                return self._t.signals[signal]
        return None
