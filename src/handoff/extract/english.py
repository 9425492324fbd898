"""The English vocabulary."""

from __future__ import annotations

from handoff.extract.vocabulary import Vocabulary

_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = (
    "twenty", "thirty", "forty", "fourty", "fifty", "sixty", "seventy", "eighty", "ninety",
)
_TENS_VALUES = (20, 30, 40, 40, 50, 60, 70, 80, 90)
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)
_MONTH_ABBREVIATIONS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)

_SUPERIOR = (
    r"(?:boss|manager|supervisor|ceo|cto|cfo|coo|cio|cmo|cro|ciso|vp|svp|evp|vice\s+president"
    r"|director|head\s+of\s+\w+|founders?|co-?founders?|owner|president|leadership(?:\s+team)?"
    r"|management|execs?|executives?|exec\s+team|board|higher[- ]ups?|procurement|finance"
    r"|purchasing|partners?|team\s+lead|gm|md|chief\s+\w+(?:\s+officer)?|bosses)"
)

ENGLISH = Vocabulary(
    units={w: i for i, w in enumerate(_UNITS)},
    tens=dict(zip(_TENS, _TENS_VALUES, strict=True)),
    scales={"hundred": 100, "dozen": 12, "thousand": 1000, "million": 10**6, "billion": 10**9},
    fuzzy={"couple": 2, "few": 3, "several": 3},
    half_re=r"half",
    magnitudes={
        "k": 1000, "thousand": 1000, "grand": 1000, "m": 10**6, "mm": 10**6, "mil": 10**6,
        "mio": 10**6, "million": 10**6, "mn": 10**6, "bn": 10**9, "billion": 10**9,
    },
    currency_words={
        "dollars": "USD", "dollar": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR",
        "pounds": "GBP", "quid": "GBP", "sterling": "GBP", "francs": "CHF", "yen": "JPY",
        "rupees": "INR",
    },
    qualifier_re=(
        r"up\s*to|no\s+more\s+than|not\s+more\s+than|no\s+higher\s+than|under|below|less\s+than"
        r"|max(?:imum)?(?:\s+of)?|at\s+most|at\s+least|a\s+cap\s+of|capped\s+at|around|arround"
        r"|aroud|about|abt|approx(?:imately|\.)?|roughly|circa|close\s+to|nearly|almost"
        r"|somewhere\s+around|in\s+the\s+(?:range|region|ballpark)\s+of|something\s+like|like"
        r"|over|above|more\s+than|north\s+of|min(?:imum)?(?:\s+of)?|starting\s+at|just\s+over"
        r"|just\s+under|from|~"
    ),
    range_re=r"-|–|—|to|or",
    between_re=r"between",
    budget_re=(
        r"budg?j?e?t\w*|buget\w*|spend|spending|pay|paying|afford|invest|investing|allocated?"
        r"|set\s+aside|earmarked|price\s+range|ballpark|willing\s+to\s+(?:go|pay|spend)"
    ),
    not_budget_re=(
        r"raised?|raising|revenue|revenues|funding|valuation|valued|arr|mrr|turnover|salary"
        r"|salaries|earn|earned|earns|profit|series\s+[a-d]|seed|loan|lost|saved|save|previous"
        r"|pricing\s+page|quoted?|list\s+price|competitor|competitors"
        r"|previously|used\s+to|charged|in\s+sales|sales|fine|fined|round"
    ),
    not_budget_after_re=(
        r"(?:in\s+|of\s+)?(?:revenue|revenues|sales|arr|mrr|funding|valuation|turnover|profit"
        r"|raised|in\s+the\s+bank|salary)"
    ),
    unit_price_re=(
        r"\s*(?:/|\bper\b|\ba\b|\ban\b|\beach\b)\s*(?:user|seat|licen[cs]e|head|person|agent|rep"
        r"|member|employee|month\s+per\s+user)s?\b"
    ),
    period_re=(
        r"\s*(?:(?:/|\bper\b|\ba\b|\ban\b)\s*(?:month|mo|year|yr|annum|quarter)\b"
        r"|\b(?:monthly|annually|yearly|a\s+year|per\s+annum)\b)"
    ),
    count_nouns_re=(
        r"users?|people|persons?|employees?|staff|seats?|licen[cs]es?|customers?|clients?"
        r"|accounts?|offices?|locations?|stores?|countries|times|days?|weeks?|months?|years?"
        r"|hours?|hrs?|minutes?|mins?|seconds?|secs?|reps?|agents?|engineers?|developers?|devs?"
        r"|members?|sites?|projects?|leads?|contacts?|deals?|tickets?|calls?|emails?|messages?"
        r"|percent|pct|factor|steps?|pages?|items?|products?|teams?|departments?|integrations?"
        r"|stars?|points?|gb|tb|mb|kb|ms|am|pm|x|fte?s?|heads?|folks|quarters?|records?|rows"
        r"|workflows?|languages?|channels?|apps?|bots?|conversations?|chats?|visitors?|orders?"
        r"|minutes|the|of|am|pm|o'clock|percent|%|st|nd|rd|th|person|man|strong|hundred"
    ),
    not_number_before_re=(
        r"version|v|release|page|step|room|floor|number|no\.|#|ext|extension|top|rated|series"
        r"|phone|call|tel|zip|code|id|ticket|order|plan|tier|level|chapter|section|q|fy|h"
    ),
    bare_after_re=(
        r"per|a|an|annually|yearly|monthly|for|or|and|but|is|would|should|could|maybe|probably"
        r"|total|all|in|range|budget|give|tops|max|ish|so|though|i|we|if|at|over|this|next"
        r"|roughly|approx|on|with|to|usd|ideally|hopefully|realistically|including|incl"
    ),
    months={
        **{m: i + 1 for i, m in enumerate(_MONTHS)},
        **{m: i + 1 for i, m in enumerate(_MONTH_ABBREVIATIONS)},
        "sept": 9,
    },
    seasons={"spring": (3, 3), "summer": (6, 3), "fall": (9, 3), "autumn": (9, 3),
             "winter": (12, 3)},
    halves={"h1": 1, "h2": 2, "first half": 1, "second half": 2},
    ordinals={"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
              "4th": 4},
    duration_units={
        "day": ("d", 1), "days": ("d", 1), "business days": ("d", 1), "week": ("d", 7),
        "weeks": ("d", 7), "wks": ("d", 7), "fortnight": ("d", 14), "month": ("m", 1),
        "months": ("m", 1), "mos": ("m", 1), "mo": ("m", 1), "quarter": ("m", 3),
        "quarters": ("m", 3), "year": ("m", 12), "years": ("m", 12), "yrs": ("m", 12),
    },
    weekdays={d: i for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])},
    not_duration_after_re=(
        r"trial|contract|term|subscription|plan|commitment|pilot|license|licence|deal|agreement"
        r"|guarantee|warranty|free|old|ago|notice|minimum|lock-in|cycle|period|payback|roi"
        r"|history|of\s+(?:data|history|usage|logs)|before|earlier|back"
    ),
    generic_periods={
        "week": "week", "month": "month", "quarter": "quarter", "year": "year",
        "fiscal year": "year", "fy": "year", "calendar year": "year",
    },
    asap_re=(
        r"asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+(?:possible|we\s+can|i\s+can|poss)|imm?ediately|immediatly"
        r"|right\s+away|straight\s+away|urgent(?:ly)?|by\s+(?:today|tonight|eod|end\s+of\s+day)"
        r"|need(?:ed)?\s+(?:it|this|something|a\s+solution)\s+(?:yesterday|now|right\s+now)"
        r"|(?:start|go\s+live|get\s+started|sign|buy|move)\s+(?:today|now|right\s+now)"
        r"|within\s+days"
    ),
    no_timeline_re=(
        r"no\s+(?:real\s+|big\s+|particular\s+|set\s+|fixed\s+|hard\s+|specific\s+|firm\s+)?"
        r"(?:rush|hurry|timeline|time\s*line|time\s*frame|timeframe|deadline|urgency)"
        r"|just\s+(?:looking|browsing|researching|exploring|curious|window\s+shopping"
        r"|kicking\s+the\s+tires|poking\s+around|checking\s+things\s+out)"
        r"(?!\s+(?:into|at|to)\b|\s+for\s+(?!now\b|the\s+moment\b))"
        r"|not\s+in\s+(?:a|any)\s+(?:big\s+|real\s+|particular\s+)?(?:rush|hurry)"
        r"|nothing\s+urgent|not\s+urgent|no\s+immediate\s+(?:plans?|need)"
        r"|not\s+(?:buying|ready\s+to\s+buy|planning\s+to\s+buy)(?:\s+(?:yet|anytime\s+soon))?"
        r"|(?:not|no)\s+(?:sure\s+)?when\s+(?:we'?ll|we\s+will)\s+(?:buy|decide)"
        r"|no\s+plans?\s+to\s+(?:buy|purchase)"
    ),
    soon_before_re=r"in|within|inside",
    duration_after_re=r"from\s+now|out|time|tops|max|or\s+so|or\s+sooner|away",
    timeline_re=(
        r"timeline|time\s*line|timeframe|time\s+frame|horizon|window|deadline|decide"
        r"|decision(?![- ]?maker)"
        r"|go\s+live|go-live|launch|start|purchase|buy|sign|roll\s*out|implement|deploy"
        r"|switch|migrate|ready|looking\s+at|target(?:ing)?|aiming|plan(?:ning)?"
    ),
    past_re=(
        r"ago|since|last|back|was|were|did|had|(?<!get\s)(?<!getting\s)started|signed|joined|bought|launched"
        r"|founded|met|spoke|talked|called|used|tried|emailed|renewed|ended|expired|past"
        r"|previous|previously|been|as\s+of|grown|grew"
    ),
    past_after_re=r"ago|were|was|did|had|went|came\s+in|last\s+year",
    this_re=r"this|the\s+current|current|the\s+rest\s+of\s+the|rest\s+of\s+the|within\s+the",
    next_re=r"next|the\s+next|the\s+coming|coming|the\s+following|following",
    start_re=(
        r"early|earlier|beginning\s+of|start\s+of|the\s+beginning\s+of|the\s+start\s+of"
        r"|first\s+thing|first\s+week\s+of|by|before|in|sometime\s+in|around|during|until"
        r"|till|starting"
    ),
    mid_re=r"mid|mid-|middle\s+of|the\s+middle\s+of",
    end_re=(
        r"late|end\s+of|the\s+end\s+of|by\s+the\s+end\s+of|by\s+end\s+of|before\s+the\s+end\s+of"
        r"|before\s+end\s+of|close\s+of|the\s+close\s+of|by\s+close\s+of|by\s+the\s+close\s+of"
        r"|at\s+the\s+end\s+of|towards\s+the\s+end\s+of|toward\s+the\s+end\s+of|later\s+in"
    ),
    by_re=r"by|before|until|till",
    roles={
        "ceo": "decision_maker", "cto": "decision_maker", "cfo": "decision_maker",
        "coo": "decision_maker", "cmo": "decision_maker", "cro": "decision_maker",
        "cio": "decision_maker", "ciso": "decision_maker", "cpo": "decision_maker",
        "chief": "decision_maker", "founder": "decision_maker", "co-founder": "decision_maker",
        "cofounder": "decision_maker", "owner": "decision_maker", "president": "decision_maker",
        "vp": "decision_maker", "svp": "decision_maker", "evp": "decision_maker",
        "vice president": "decision_maker", "head": "decision_maker",
        "director": "decision_maker", "managing director": "decision_maker",
        "general manager": "decision_maker", "gm": "decision_maker", "proprietor": "decision_maker",
        "freelancer": "decision_maker", "decision maker": "decision_maker",
        "decision-maker": "decision_maker", "budget holder": "decision_maker",
        "product owner": "influencer", "manager": "influencer", "lead": "influencer",
        "team lead": "influencer", "supervisor": "influencer", "architect": "influencer",
        "consultant": "influencer", "advisor": "influencer", "engineer": "user",
        "developer": "user", "dev": "user", "programmer": "user", "designer": "user",
        "analyst": "user", "intern": "user", "sdr": "user", "bdr": "user", "rep": "user",
        "sales rep": "user", "account executive": "user", "marketer": "user",
        "coordinator": "user", "specialist": "user", "associate": "user", "assistant": "user",
        "admin": "user", "administrator": "user", "agent": "user", "user": "user",
        "end user": "user", "end-user": "user", "recruiter": "user", "accountant": "user",
        "scientist": "user", "technician": "user", "student": "user",
    },
    self_re=(
        r"\bi'?m|\bi\s+am|\bim|\bi\s+work\s+as|\bi'?m\s+working\s+as|\bi\s+serve\s+as"
        r"|\bmy\s+(?:role|title|position|job\s+title|job)\s+is|\bas"
    ),
    title_filler_re=(
        r"(?:engineering|marketing|accounting|operating|planning|manufacturing|purchasing"
        r"|consulting|training|learning|staffing|recruiting|billing|publishing|printing"
        r"|(?!(?:looking|trying|going|not|interested|for|to|with|on|in|at|from|about|who|that"
        r"|and|but|of|your|my|our|their|his|her|a|an|the|one|person|guy|gal|which|here|so|also"
        r"|still|really|very|pretty|quite|sure|glad|happy|only|meeting|talking|calling|asking"
        r"|emailing|writing|reaching|helping|speaking|working|checking|evaluating|researching)\b)"
        r"(?!\w+(?:ing|ed)\b)[\w&/-]+)"
    ),
    superior_re=_SUPERIOR,
    authority_phrases=(
        ("influencer", r"\bnot\s+(?:the|a)\s+(?:final\s+)?decision[- ]?maker"),
        ("influencer", r"\bnot\s+(?:the\s+one|someone)\s+who\s+(?:decides|signs|approves)"),
        ("influencer", r"\b(?:it'?s\s+|that'?s\s+)?not\s+(?:my|up\s+to\s+me|really\s+my)"
                       r"(?:\s+(?:call|decision))?\b(?:\s+(?:to\s+make|alone))?"),
        ("influencer", r"\babove\s+my\s+pay\s*grade"),
        ("influencer", r"\bi\s+(?:don'?t|do\s+not|can'?t|cannot)\s+(?:make\s+the\s+(?:final\s+)?"
                       r"(?:call|decision)|sign\s+off|approve|decide|have\s+the\s+final\s+say)"),
        ("influencer", rf"\b(?:(?:my|our|the)\s+)?{_SUPERIOR}(?:\s+(?!(?:i|we|and)\b)\w+){{0,2}}?"
                       r",?\s+(?:decides?|(?:hasn'?t|has\s+not|haven'?t|still\s+(?:needs?|has)\s+to)"
                       r"\s+(?:signed\s+off|approved|sign\s+off|approve)"
                       r"|will\s+decide|would\s+decide|makes?\s+the\s+(?:final\s+)?(?:call|decision)"
                       r"|has\s+(?:the\s+)?(?:final\s+say|last\s+word)|signs?\s+off|approves?"
                       r"|(?:needs?|has|have)\s+to\s+(?:approve|sign\s+off|sign|decide|okay|ok)"
                       r"|holds?\s+the\s+(?:budget|purse\s+strings)|owns?\s+the\s+budget"
                       r"|(?:asked|told|wants?|wanted)\s+me\s+to\s+(?:look|research|find|evaluate"
                       r"|check|compare|shortlist|get))"),
        ("influencer", rf"\b(?:run(?:ning)?|take|taking|bring(?:ing)?|present(?:ing)?|pitch(?:ing)?"
                       r"|show(?:ing)?|pass(?:ing)?|escalat(?:e|ing))\s+(?:it|this|that|these|them"
                       r"|your\s+(?:proposal|quote|pricing|offer)|the\s+(?:options|proposal|quote))"
                       rf"\s+(?:by|past|to|up\s+to)\s+(?:my|our|the)\s+{_SUPERIOR}"),
        ("influencer", rf"\b(?:check|checking|consult|consulting|ask|asking|talk\s+to|speak\s+to"
                       rf"|loop\s+in|looping\s+in|discuss\s+(?:it|this)\s+with|confirm\s+with)"
                       rf"\s+(?:with\s+)?(?:my|our)\s+{_SUPERIOR}"),
        ("influencer", r"\b(?:get|need|needs|require|requires|waiting\s+(?:on|for))\s+"
                       r"(?:the\s+|an?\s+)?(?:sign[- ]?off|approval|buy[- ]in|green\s+light"
                       r"|go[- ]ahead|ok|okay)"
                       r"\s+from\b"),
        ("influencer", r"\bneed(?:s)?\s+(?:to\s+get\s+)?(?:sign[- ]?off|approval|buy[- ]in)\b"),
        ("influencer", rf"\bshort[- ]?list(?:ing)?(?:\s+\w+){{0,4}}?\s+for\s+"
                       rf"(?:my\s+|our\s+|the\s+)?{_SUPERIOR}"),
        ("influencer", rf"\b(?:research(?:ing)?|evaluat(?:e|ing)|scouting|heading\s+up|leading"
                       rf"|running|coordinating|gathering\s+info\w*"
                       rf"|looking\s+into\s+(?:this|it|options)|doing\s+(?:the\s+)?research"
                       rf"|putting\s+together\s+(?:a\s+)?(?:proposal|shortlist|recommendation))"
                       rf"(?:\s+\w+){{0,4}}?\s+(?:for|on\s+behalf\s+of)\s+(?:my|our)\s+{_SUPERIOR}"),
        ("influencer", r"\b(?:make|making|put\s+together|write\s+up)\s+(?:a|the)\s+recommendation"),
        ("influencer", r"\b(?:on|part\s+of)\s+the\s+(?:buying|evaluation|selection|purchasing)"
                       r"\s+(?:committee|team|group)"),
        ("influencer", rf"\bdecision\s+(?:is|will\s+be|lies|rests|sits)\s+(?:with|up\s+to)"
                       rf"\s+(?:my|our|the)\s+{_SUPERIOR}"),
        ("decision_maker", r"\bi\s+(?:own|hold|control|manage|have|set)\s+(?:the|our|my)\s+"
                           r"(?:\w+\s+)?budget\b"),
        ("decision_maker", r"\b(?:the\s+)?budget\s+(?:is\s+mine|holder\s+is\s+me|is\s+mine\s+to)"),
        ("decision_maker", r"\bi(?:'ll|\s+will|\s+can|\s+would)?\s+sign\s+(?:off|the\s+(?:contract"
                           r"|deal|check|cheque|po|order))"),
        ("decision_maker", r"\bi\s+(?:approve|sign)\s+(?:all\s+)?(?:the\s+)?(?:purchases|contracts"
                           r"|tools|software|spend|budgets?)\b"),
        ("decision_maker", r"\b(?:it'?s|its|that'?s)\s+(?:ultimately\s+)?my\s+(?:call|decision)\b"),
        ("decision_maker", r"\b(?:the\s+)?(?:final\s+)?(?:decision|call|say)\s+is\s+mine\b"),
        ("decision_maker", r"\b(?:the\s+)?(?:final\s+)?decision[- ]?maker\s+(?:is|would\s+be"
                           r"|will\s+be)\s+me\b"),
        ("decision_maker", r"\bi\s+(?:make|have|get|own)\s+(?:the\s+)?(?:final\s+|last\s+)?"
                           r"(?:call|decision|say|word)\b"),
        ("decision_maker", r"\bi(?:'m|\s+am)\s+the\s+one\s+(?:who|that)\s+(?:decides|signs|approves"
                           r"|makes\s+the\s+(?:call|decision)|holds\s+the\s+budget)"),
        ("decision_maker", r"\bi\s+(?:decide|call\s+the\s+shots)\b"),
        ("decision_maker", r"\bi\s+have\s+(?:full\s+)?(?:signing|final|purchasing|budget|buying)"
                           r"\s+(?:authority|power)"),
        ("decision_maker", r"\bi\s+(?:run|own|founded|started|lead|head\s+up|head)\s+(?:the|our|my"
                           r"|this|a)\s+(?:\w+\s+){0,2}?(?:team|company|business|department|dept"
                           r"|org|organization|organisation|shop|agency|startup|practice|firm"
                           r"|division|group|studio|store|clinic|ops|operations|it|bakery|restaurant|cafe|salon|gym"
                           r"|brand|chain|franchise|hotel|school|label|dealership|factory|farm|lab"
                           r"|consultancy|boutique)\b"),
        ("decision_maker", r"\bi(?:'m|\s+am)\s+in\s+charge\s+of\s+(?:\w+\s+){0,2}?(?:purchasing"
                           r"|buying|procurement|budget|the\s+decision|tools|software|this)"),
        ("decision_maker", r"\bi(?:'m|\s+am)\s+responsible\s+for\s+(?:the\s+)?(?:purchasing"
                           r"|buying|procurement|budget|decision)"),
        ("user", r"\bi(?:'d|\s+would|'ll|\s+will)\s+be\s+(?:a|an|one\s+of\s+the|the\s+main|the"
                 r"\s+primary|the|the\s+daily)?\s*(?:end[- ])?users?\b"),
        ("user", r"\bi(?:'d|\s+would|'ll|\s+will)\s+be\s+(?:the\s+one\s+)?(?:using|working\s+with)"
                 r"\s+(?:it|this|the\s+(?:tool|product|platform|software))"),
        ("user", r"\bone\s+of\s+the\s+(?:people|folks|ones)\s+who(?:'d|\s+would|'ll|\s+will)"
                 r"\s+(?:use|be\s+using)\s+it"),
    ),
    staff_re=(
        r"employees?|employes|emplyees|employess|staff|staffers|ftes?|full[- ]time\s+(?:employees"
        r"|staff|people)|personnel|workers|team\s+members|headcount"
    ),
    people_re=r"people|persons|folks|heads|souls|ppl",
    company_re=(
        r"company|companies|startup|start-up|org|organization|organisation|business|agency|firm"
        r"|shop|outfit|team|studio|practice|nonprofit|non-profit|enterprise|group|operation"
    ),
    we_re=(
        r"we'?re|we\s+are|we\s+have|we'?ve\s+got|we\s+employ|we\s+got|we\s+now\s+have"
        r"|we\s+currently\s+have|our\s+(?:company|org|organization|business|startup|firm"
        r"|agency|team)\s+(?:is|has)|company\s+(?:is|has)|employing|employs"
        r"|(?:company|startup|business|org|organization|firm|agency|shop|team)\s+(?:of|with)"
        r"|we\s+grew\s+to|grown\s+to|we'?ve\s+grown\s+to|in\s+total|total|size\s+is|size\s+of"
    ),
    headcount_re=(
        r"head\s*count|company\s+size|company\s+is|org\s+size|size\s+of\s+the\s+company"
        r"|employee\s+count|number\s+of\s+employees|staff\s+count|team\s+size\s+is|we\s+employ"
    ),
    users_after_re=(
        r"who|that|will|would|'d|need|needs|using|use|on\s+(?:my|the|our)|in\s+(?:my|the|our)"
        r"\s+(?:\w+\s+)?(?:team|department|dept|group)|at\s+the\s+(?:event|conference|webinar"
        r"|meeting|workshop|demo|training)|to\s+use|to\s+get|attending"
        r"|signed|logged|registered|came|showed|in\s+the\s+room|on\s+the\s+call|attended"
    ),
    subset_before_re=(
        r"(?<!grown\s)(?<!grew\s)(?:for|to)\s*$|(?:my|his|her|sales|support|marketing|engineering|dev|it|ops|cs"
        r"|success|product|design|finance|hr|legal|data|qa)\s+team\s+(?:of|is|has)\s*$"
        r"|i\s+(?:manage|lead|run|have)\s+(?:a\s+team\s+of\s*)?$|about\s+how\s*$"
    ),
    size_past_re=r"had|were|was|used\s+to\s+(?:have|be)|previous|last\s+year",
    alone_re=r"just\s+me|only\s+me|just\s+myself|me\s+myself\s+and\s+i|solo|one[- ]man\s+band",
    topics=(
        ("budget", r"budg?j?e?t|spend|price\s+range|invest|afford|how\s+much|allocated|ballpark"
                   r"|set\s+aside|cost\s+range"),
        ("timeline_days", r"\bwhen\b|timeline|time\s*frame|time\s+line|how\s+soon|deadline"
                          r"|go\s+live|by\s+when|start\s+date|get\s+started|how\s+quickly"
                          r"|what\s+date|urgent|urgency"),
        ("company_size", r"how\s+many\s+(?:people|employees|staff|folks)|how\s+big|how\s+large"
                         r"|company\s+size|size\s+of\s+your|team\s+size|headcount|employees"
                         r"|how\s+many\s+work|size\s+is\s+your"),
        ("authority", r"\brole\b|your\s+title|job\s+title|position|decision|decide|sign\s+off"
                      r"|who\s+(?:else\s+)?(?:is|will\s+be|would\s+be)\s+involved|approv|in\s+charge"
                      r"|what\s+do\s+you\s+do|who\s+(?:makes|has|owns|holds)|final\s+say"
                      r"|buying\s+process|budget\s+holder"),
    ),
)
