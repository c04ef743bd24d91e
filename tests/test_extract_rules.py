"""Tables of cases for the fact normalisers in crawler/facts/, near misses included."""

import pytest

from crawler import pagetext
from crawler.facts import awards, coursekinds, dates, durations, entry, fees, levels, modes, pagekind, titles
from crawler.facts.keyfacts import label_name, read_keyfacts


@pytest.mark.parametrize(
    "text, expected",
    [
        # spelled-out and abbreviated forms
        ("MSc Clinical Leadership", ["MSc"]),
        ("Master of Science in Nursing", ["MSc"]),
        ("M.Sc. Public Health", ["MSc"]),
        ("PG Cert Health and Medical Sciences", ["PgCert"]),
        ("Postgraduate Certificate in Leadership", ["PgCert"]),
        ("Post grad cert in Quality", ["PgCert"]),
        ("PGCert Patient Safety", ["PgCert"]),
        ("Post-graduate Diploma in Management", ["PgDip"]),
        ("PG Dip Health Informatics", ["PgDip"]),
        ("MA Education", ["MA"]),
        ("Master of Arts in Social Work", ["MA"]),
        ("MRes Biomedical Research", ["MRes"]),
        ("Masters in Research (Clinical Research)", ["MRes"]),
        ("MClinRes Clinical Research", ["MRes"]),
        ("MPhil/PhD Nursing", ["PhD", "MPhil"]),
        ("Doctor of Philosophy", ["PhD"]),
        ("DPhil in Population Health", ["PhD"]),
        ("Professional Doctorate in Health", ["professional doctorate"]),
        ("DProf Health and Social Care", ["professional doctorate"]),
        ("Doctorate in Health Science (DHSc)", ["professional doctorate"]),
        ("Master of Public Health", ["MPH"]),
        ("Executive MBA", ["MBA"]),
        ("BSc (Hons) Nursing", ["BSc"]),
        ("BA Social Work", ["BA"]),
        ("FdSc Health and Social Care", ["foundation degree"]),
        ("Fd Assistant Practitioner", ["foundation degree"]),
        ("Foundation Degree in Early Years", ["foundation degree"]),
        ("Senior Leader Degree Apprenticeship", ["apprenticeship"]),
        ("a CPD module on audit", ["module"]),
        ("This 20-credit module", ["module"]),
        ("Implementation Science Masterclass", ["short course"]),
        ("Doctoral fellowship", ["fellowship"]),
        # US and generic master's: the kind named when the page names it
        ("Masters of Science (MS) in Healthcare Quality", ["MSc"]),
        ("an MS in Clinical Research", ["MSc"]),
        ("the M.S. degree in nursing", ["MSc"]),
        ("the Master’s in Public Health core curriculum", ["MPH"]),
        ("for the M.P.H. degree", ["MPH"]),
        ("The Master’s degree in Healthcare Quality and Safety (MHQS)", ["master's"]),
        ("leads to a Masters in Healthcare Leadership", ["master's"]),
        ("Master of Nursing", ["master's"]),
        ("MSc and master's degree routes", ["MSc"]),
        ("Graduate Certificate in Patient Safety", ["certificate"]),
        ("Certificate of Graduate Study in Healthcare Quality", ["certificate"]),
        # several awards in one string
        ("Leadership PgCert/PgDip/MSc", ["MSc", "PgDip", "PgCert"]),
        ("PG Cert/ Dip/MSc Leading and Managing", ["MSc", "PgDip", "PgCert"]),
        ("Cert/PG Dip / MSc Advancing Healthcare Practice", ["MSc", "PgDip", "PgCert"]),
        # near misses: must not be read as awards
        ("Foundations of Improvement Science", []),
        ("a foundation year in science", []),
        ("Graduate Diploma in Law", []),
        ("Postgraduate Certificate in Education (PGCE)", []),
        ("ma", []),
        ("Ma and Pa", []),
        ("BAME staff network", []),
        ("MAPS project", []),
        ("core modules include", []),
        ("Diploma of Higher Education", []),
        ("", []),
        # near misses: a person's degrees, entry-level wording, other MS and M.A.S.
        ("Helen Marsh, PhD, Vice President", []),
        ("Drew Collins, M.D., M.A.S., Director", []),
        ("Multiple sclerosis (MS) in adults", []),
        ("MS nurses", []),
        ("a master's degree or equivalent", []),
        ("master of ceremonies", []),
        ("Post-graduate certificate in leadership", ["PgCert"]),
    ],
)
def test_find_awards(text, expected):
    assert awards.find_awards(text) == expected


@pytest.mark.parametrize(
    "found, expected",
    [
        (["MSc", "PgDip", "PgCert"], 7),
        (["PgCert"], 7),
        (["MPhil"], 7),
        (["PhD"], 8),
        (["professional doctorate"], 8),
        (["BSc"], 6),
        (["foundation degree"], 5),
        (["BSc", "MSc"], 7),
        (["module"], None),
        (["fellowship"], None),
        (["short course"], None),
        ([], None),
    ],
)
def test_fheq_level_for_awards(found, expected):
    assert awards.fheq_level_for_awards(found) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Lean Six Sigma Green Belt Certification", ["certificate"]),
        ("Certified Design Thinking Coach", ["certificate"]),
        ("Postgraduate Certificate in Patient Safety", ["PgCert"]),
        ("Healthcare Quality and Safety, MHQS", ["master's"]),
        ("Health Policy, MPP", ["master's"]),
        ("Nursing, MSc", ["MSc"]),
        # near misses: a medical degree or an online course after the comma, or no comma
        ("Medicine, MD", []),
        ("Patient Safety, MOOC", []),
        ("MHQS Alumni Day", []),
    ],
)
def test_awards_in_title(title, expected):
    assert awards.awards_in_title(title) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("PU5074: IMPLEMENTATION SCIENCE (2026-2027)", "PU5074"),
        ("LMP 2348: Knowledge Translation & the Community", "LMP 2348"),
        ("NUR-30149 (B): Evidence Based Practice (Online)", "NUR-30149 (B)"),
        ("EDUC 6840 Introduction to Improvement Science", "EDUC 6840"),
        ("Quality Systems (MECH H3014)", "MECH H3014"),
        ("Introduction to Patient Safety (IHI Open School Course: PS 100)", "PS 100"),
        # near misses: standards, years, levels and plain titles
        ("ISO 9001: 2008 Auditor/Lead Auditor", None),
        ("NHS 2030: Leading Change", None),
        ("CPD 2026 Programme", None),
        ("Level 7 Apprenticeship", None),
        ("MSc Patient Safety", None),
        ("Implementation Science", None),
        (None, None),
    ],
)
def test_title_course_code(title, expected):
    assert coursekinds.title_course_code(title) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Course unit details:\nPatient Safety\nUnit code IIDS62302\nCredits 15", True),
        ("Module Code\nMECH H3014", True),
        ("Course Number\nCHL5632H\nFormat\nLecture", True),
        ("Type: Module\nCredit: 0.25 FCE", True),
        ("Unit rules and details\nCredit points 6", True),
        # near misses: a degree page's UCAS code and module tables mentioned in prose
        ("Course code: B700\nDuration: 3 years", False),
        ("Our modules are taught by experts. Each unit code is listed in the handbook.", False),
    ],
)
def test_module_descriptor_labels(text, expected):
    assert coursekinds.is_module_descriptor("Patient Safety", text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("This module introduces implementation science. By the end of the module you will plan a study.", True),
        ("Students who complete this unit of study will be able to... The unit of study is assessed by essay.", True),
        # near misses: a degree page that names a module once, or the module leader
        ("The MSc has six modules. In the module on measurement you will learn run charts.", False),
        ("Contact the module leader. The module leader will reply.", False),
    ],
)
def test_reads_as_module(text, expected):
    assert coursekinds.reads_as_module(text) is expected


@pytest.mark.parametrize(
    "title, months, expected",
    [
        ("TeamSTEPPS Master Training Course", {"full-time": None, "part-time": None}, True),
        ("5S System Training", {"full-time": None, "part-time": None}, True),
        ("Improvement Advisor Professional Development Program", {"full-time": None, "part-time": None}, True),
        ("Patient Safety Basics", {"full-time": 0.1, "part-time": None}, True),
        ("Become an Improvement Coach", {"full-time": 2.8, "part-time": None}, True),
        # near misses: no length and no training word, or six months and longer
        ("Improvement Coach Program", {"full-time": 6, "part-time": None}, False),
        ("Leadership for Change", {"full-time": None, "part-time": 24}, False),
        ("Training Needs in Nursing Homes: a study", {"full-time": None, "part-time": None}, False),
        (None, {"full-time": None, "part-time": None}, False),
    ],
)
def test_is_short_course(title, months, expected):
    assert coursekinds.is_short_course(title, months) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SHE Level 3\nSCQF Credits 20.00", 6),
        ("SCQF level 11", 7),
        ("SCQF Level 7 module", 4),
        ("SHE level 4 (honours)", 6),
        # near misses: credits, other frameworks, levels off the scale
        ("SCQF Credits 20.00", None),
        ("Level 11 of the building", None),
        ("SCQF level 3", None),
    ],
)
def test_scottish_level(text, expected):
    assert levels.scottish_level(text) == expected


@pytest.mark.parametrize(
    "url, text, expected",
    [
        ("https://www.example.ac.uk/study/postgraduate/nursing-mental-health", "", 7),
        ("https://www.example.ac.uk/study/postgraduate-taught/courses/critical-care/teaching", "", 7),
        ("https://www.example.ac.uk/study/pg/medicine/healthcare-and-design/", "", 7),
        ("https://example.edu/x", "Type of Study Postgraduate Level 5", 7),
        ("https://example.edu/x", "Graduate School of Education and Human Development", 7),
        ("https://example.edu/x", "a 12-credit Certificate of Graduate Study", 7),
        ("https://example.edu/x", "taught at master's level", 7),
        # near misses: undergraduate pages, graduates as people, addresses that merely contain the letters
        ("https://www.example.ac.uk/study/undergraduate/nursing", "Undergraduate course", None),
        ("https://example.edu/x", "Our graduates work across the NHS.", None),
        ("https://example.edu/x", "undergraduate programme", None),
        ("https://www.pgexample.com/courses/x", "", None),
        ("https://example.edu/x?from=/postgraduate/", "", None),
    ],
)
def test_postgraduate_level(url, text, expected):
    assert levels.postgraduate_level(url, text) == expected


def test_postgraduate_numbering_is_not_fheq():
    assert levels.loose_level("Type of Study Postgraduate Level 5") is None
    assert levels.loose_level("studied at Level 5") == 5


def test_fheq_level_for_new_awards():
    assert awards.fheq_level_for_awards(["master's"]) == 7
    assert awards.fheq_level_for_awards(["certificate"]) is None


@pytest.mark.parametrize(
    "title, expected",
    [
        ("MSc Clinical Leadership", "Clinical Leadership"),
        ("MSc in Clinical Leadership", "Clinical Leadership"),
        ("Leadership and Service Improvement PgCert/PgDip/MSc", "Leadership and Service Improvement"),
        ("Clinical Leadership MSc/PgDip/PgCert 2026/27 entry", "Clinical Leadership"),
        ("Patient Safety (Distance Learning) MSc", "Patient Safety"),
        ("Master of Public Health (Online)", "Public Health"),
        ("BSc (Hons) Health and Social Care Practice (Top-up)", "Health and Social Care Practice"),
        ("Evidence Based Practice (CPD module)", "Evidence Based Practice"),
        ("Doctorate in Health Science (DHSc)", "Health Science"),
        # a bracketed level is kept as fheq_level, not in the title
        ("Advanced Clinical Practitioner Degree Apprenticeship (Level 7)", "Advanced Clinical Practitioner Degree Apprenticeship"),
        ("Clinical Education (FHEQ Level 6/7)", "Clinical Education"),
        ("Advanced Practice [Level 7] MSc", "Advanced Practice"),
        ("Nursing Associate - Level 5", "Nursing Associate"),
        # awards inside the name stay; a lone award stays as the name
        ("Executive MBA (Health and Care)", "Executive MBA (Health and Care)"),
        ("Senior Leader Degree Apprenticeship with MSc Healthcare Leadership",
         "Senior Leader Degree Apprenticeship with MSc Healthcare Leadership"),
        ("MPH", "MPH"),
        ("Improvement Leaders Fellowship", "Improvement Leaders Fellowship"),
        ("Foundations of Improvement Science", "Foundations of Improvement Science"),
        # near misses: a title starting or ending with the letters of a joining word keeps them
        ("Introduction to Change Management", "Introduction to Change Management"),
        ("Innovation for Excellence - Leading Service Improvement",
         "Innovation for Excellence - Leading Service Improvement"),
        ("Andragogy for Clinical Educators", "Andragogy for Clinical Educators"),
        ("Writing a Bulletin", "Writing a Bulletin"),
        # near misses: a level that is part of the qualification's name, or the word level
        ("Level 3 Diploma in Health and Social Care", "Level 3 Diploma in Health and Social Care"),
        ("Raising the Level of Care", "Raising the Level of Care"),
    ],
)
def test_clean_title(title, expected):
    assert titles.clean_title(title) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("MSc Clinical Leadership | Postgraduate | University of Westvale", "MSc Clinical Leadership"),
        ("University of Westvale - MSc Clinical Leadership", "MSc Clinical Leadership"),
        ("Clinical Leadership", "Clinical Leadership"),
    ],
)
def test_page_name_from_title_tag(title, expected):
    assert titles.page_name_from_title_tag(title) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 year full-time, 2-4 years part-time", {"full-time": 12, "part-time": 24}),
        ("12 months FT / 24 months PT", {"full-time": 12, "part-time": 24}),
        ("One year (full-time); two years (part-time)", {"full-time": 12, "part-time": 24}),
        ("Full-time: 1 year; Part-time: 2 years", {"full-time": 12, "part-time": 24}),
        ("Part-time: minimum 2 years, maximum 5 years", {"full-time": None, "part-time": 24}),
        ("4 years part-time (maximum registration 7 years)", {"full-time": None, "part-time": 48}),
        ("Up to three years part time only", {"full-time": None, "part-time": 36}),
        ("Three to nine years part time", {"full-time": None, "part-time": 36}),
        ("Three years or more full time/ four years or more part time", {"full-time": 36, "part-time": 48}),
        ("18 months full-time; 3 years part-time", {"full-time": 18, "part-time": 36}),
        ("3 days", {"full-time": 0.1, "part-time": None}),
        ("Approximately 2 hours", {"full-time": 0.01, "part-time": None}),
        ("12 weeks", {"full-time": 2.8, "part-time": None}),
        ("one semester", {"full-time": 4, "part-time": None}),
        ("12 months, part-time (around two days a week)", {"full-time": None, "part-time": 12}),
        # several awards: the longest per mode
        ("MSc: 1 year FT, 3 years PT; PgCert: 4 months FT, 1 year PT", {"full-time": 12, "part-time": 36}),
        # near misses: no length
        ("No time limit", {"full-time": None, "part-time": None}),
        ("Full-time or part-time", {"full-time": None, "part-time": None}),
        ("Entry 2026/27", {"full-time": None, "part-time": None}),
        ("", {"full-time": None, "part-time": None}),
    ],
)
def test_parse_duration(text, expected):
    assert durations.parse_duration(text) == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("This 12-week experiential programme equips you to coach teams.", True),
        ("Our 6-month leadership development programme starts in May.", True),
        ("Lasting nine months, the programme is delivered virtually.", True),
        ("The course runs across one academic year.", True),
        ("The Master's Degree Program is a two-year course of study.", True),
        ("Taking courses back to back lets the certificate be completed online in 6 – 8 months.", True),
        ("You could finish it in as little as six weeks.", True),
        ("This is a 3-year funding opportunity.", True),
        ("Over the four months of the course, attendees run a project.", True),
        # near misses: a session's length, a block within a year, a deadline
        ("There are 10 sessions, each lasting one hour", False),
        ("A single 3-month block in each training year", False),
        ("Applications close in 6 weeks.", False),
    ],
)
def test_states_course_length(sentence, expected):
    assert durations.states_course_length(sentence) is expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("3 years", True),
        ("One semester", True),
        ("1- 4 years", True),
        ("Five days", True),
        ("Two Years (Part Time)", True),
        ("1 year full time, 2 years part time", True),
        ("One year FT, two years PT", True),
        # near misses: workload totals, lengths inside prose, dates
        ("300 hours", False),
        ("3 years of experience in a clinical role", False),
        ("Year 1", False),
        ("September 2026", False),
    ],
)
def test_is_bare_length(line, expected):
    assert durations.is_bare_length(line) is expected


@pytest.mark.parametrize(
    "line, pair",
    [
        ("Length One Year (Full Time)", ("Length", "One Year (Full Time)")),
        ("Duration 2 Semesters", ("Duration", "2 Semesters")),
        ("Attendance mode Part-time Evening", ("Attendance mode", "Part-time Evening")),
        ("Mode of study Full-time, Part-time", ("Mode of study", "Full-time, Part-time")),
        ("Length of Program: 1 - 2 Years", ("Length of Program", "1 - 2 Years")),
    ],
)
def test_colon_less_label_lines(line, pair):
    facts = read_keyfacts(pagetext.parse_html("<p>x</p>"), line)
    name = label_name(pair[0])
    assert facts.values.get(name) == [pair[1]]


@pytest.mark.parametrize(
    "line",
    [
        "Length of the waiting list is long",
        "Mode of assessment essay",
        "Duration depends on the modules you choose",
        "Study mode matters less than commitment",
    ],
)
def test_colon_less_label_near_misses(line):
    facts = read_keyfacts(pagetext.parse_html("<p>x</p>"), line)
    assert not facts.values.get("duration") and not facts.values.get("modes")


def test_duration_without_mode_goes_to_the_default_mode():
    assert durations.parse_duration("2 years", default_mode="part-time") == {"full-time": None, "part-time": 24}


@pytest.mark.parametrize(
    "value, expected",
    [("P1Y", 12), ("P18M", 18), ("P2Y6M", 30), ("P3D", 0.1), ("PT2H", 0.01), ("1 year", None), ("P", None), (None, None)],
)
def test_iso_duration_months(value, expected):
    assert durations.iso_duration_months(value) == expected


def _fee(amount, audience, currency="GBP"):
    return {"amount": amount, "currency": currency, "for": audience}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Home: £9,250 International: £18,500", [_fee(9250, "home"), _fee(18500, "international")]),
        ("£9,250 (home) £18,500 (international)", [_fee(9250, "home"), _fee(18500, "international")]),
        ("UK/EU students\n£8,040 full-time\nEU/international students\n£14,360",
         [_fee(8040, "home"), _fee(14360, "international")]),
        ("non-UK students: £15,000", [_fee(15000, "international")]),
        ("£950 per 15-credit module", [_fee(950, "per module")]),
        ("£60 per credit", [_fee(60, "per credit")]),
        ("Fee: $150", [_fee(150, None, "USD")]),
        ("€2.500 is not a price but €2,500 is", [_fee(2.5, None, "EUR"), _fee(2500, None, "EUR")]),
        ("Total cost 2,400 GBP", [_fee(2400, None)]),
        ("Cost: £450 (NHS staff £300)", [_fee(450, None), _fee(300, None)]),
        ("Funded places include a tax-free stipend of £20,780. Self-funded: £4,786 (UK) or £21,400 (international)",
         [_fee(4786, "home"), _fee(21400, "international")]),
        # a fee table row: the first cell names who every amount in the row is for
        ("UK | Full-time: £19,300 | Part-time: £9,650 |", [_fee(19300, "home"), _fee(9650, "home")]),
        ("Overseas | Full-time: £38,100 | Part-time: £19,050 |",
         [_fee(38100, "international"), _fee(19050, "international")]),
        ("Home: £9,250 International: £18,500 Part-time: £4,625",
         [_fee(9250, "home"), _fee(18500, "international"), _fee(4625, "home")]),
        # near misses: a row with no audience stays unassigned; a labelled amount keeps its label
        ("MSc | Full-time: £12,000 | Part-time: £6,000 |", [_fee(12000, None), _fee(6000, None)]),
        ("UK | £9,000 | International: £17,000 |", [_fee(9000, "home"), _fee(17000, "international")]),
        # near misses: money that is not a fee
        ("Bursaries of up to £2,000 are available", []),
        ("A £1.2m grant funds the project", []),
        ("a salary of £35,000", []),
        ("No fee information yet", []),
        # "up to £N" is a cap on costs or funding, not the fee
        ("Conference costs, up to £3,000, are covered. UK fee: £9,250",
         [{"amount": 9250.0, "currency": "GBP", "for": "home"}]),
    ],
)
def test_parse_fee_amounts(text, expected):
    assert fees.parse_fee_amounts(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("This course is free of charge for NHS staff", True),
        ("Cost: Free", True),
        ("There is no cost to the apprentice.", True),
        ("Tuition fees are fully funded.", True),
        ("The fellowship covers your salary, PhD tuition fees and research costs.", True),
        ("a free online course", True),
        ("Tuition fees at the home rate are paid by the fellowship.", True),
        ("Your course fees are covered by your employer.", True),
        ("Your fees are covered.", True),
        ("The fellowship is fully funded.", True),
        ("a fully funded studentship", True),
        ("free for everyone working in health and care", True),
        ("Free for staff of partner trusts", True),
        # near misses
        ("Please feel free to contact us", False),
        ("a tax-free stipend", False),
        ("free parking on campus", False),
        ("Free Wi-Fi for all students", False),
        ("free parking for visitors", False),
        ("Fees are paid by the student in two instalments", False),
        ("Fees are paid annually in advance", False),
        ("fully funded places may be available for some applicants", False),
        ("free for 30 days, then £12 a month", False),
        ("Fees: £9,250", False),
        # Each guard word of is_free, in capitals and with a long s that re.I reads as "s".
        ("AT NO COST TO YOU", True),
        ("No charge", True),
        ("Course fee: £0", True),
        ("paid for through the apprenticeship LEVY", True),
        ("The course is FREE", True),
        ("at no coſt", True),
        ("A one-day workshop in Leeds", False),
    ],
)
def test_is_free(text, expected):
    assert fees.is_free(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a tax-free stipend of £20,000", True),
        ("The programme covers your salary for the year", True),
        ("We reimburse your employer for your salary", True),
        ("salaried fellowship", True),
        # near misses
        ("graduates go on to earn a good salary", False),
        ("salary expectations vary", False),
        ("", False),
    ],
)
def test_pays_stipend(text, expected):
    assert fees.pays_stipend(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A minimum 2:1 undergraduate honours degree", "2:1"),
        ("an upper second class honours degree", "2:1"),
        ("a 2.1 in a related subject", "2:1"),
        ("You will need a 2.2 or above", "2:2"),
        ("a lower second class degree", "2:2"),
        ("a second class honours degree (2:2 or higher)", "2:2"),
        ("2:1, or a 2:2 with relevant experience", "2:1"),
        ("Applicants should hold a Master's degree and a 2:1", "master's"),
        ("A 2:1 honours degree and a master's degree", "master's"),
        ("a good first degree", "any degree"),
        ("A UK honours degree or equivalent", "any degree"),
        ("A degree plus three years of managerial experience", "any degree"),
        # near misses
        ("a 2:1 degree or a related graduate qualification (such as a Masters or PGDip)", "2:1"),
        ("A degree is not essential.", None),
        ("Candidates without a degree may be considered", None),
        ("degree apprenticeship applicants", None),
        ("GCSE English at grade 4", None),
        ("", None),
    ],
)
def test_degree_class(text, expected):
    assert entry.degree_class(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("at least two years' post-qualifying experience", True),
        ("six months post-registration experience", True),
        ("currently working in a health or social care setting", True),
        ("employed by an NHS organisation", True),
        ("relevant clinical experience", True),
        # near misses and explicit "no"
        ("No prior experience is required", False),
        ("Relevant professional experience is desirable but not required.", False),
        ("A 2:1 degree", False),
        ("An honours degree. Candidates without a degree but with management experience may be considered.", False),
        ("There are no formal entry requirements.", False),
        (None, None),
    ],
)
def test_needs_work_experience(text, expected):
    assert entry.needs_work_experience(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("current registration with the NMC or HCPC", True),
        ("You must be a registered nurse", True),
        ("HCPC-registered practitioners", True),
        ("registered with their professional regulator", True),
        ("Professional registration is expected", True),
        ("full GMC registration", True),
        # near misses
        ("register your interest", False),
        ("Registration opens in May", False),
        ("a registered charity", False),
        ("Registered office: 1 High Street", False),
    ],
)
def test_needs_registration(text, expected):
    assert entry.needs_registration(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("registered with the Nursing and Midwifery Council", ["NMC"]),
        ("Health and Care Professions Council (HCPC)", ["HCPC"]),
        ("the General Medical Council or General Dental Council", ["GMC", "GDC"]),
        ("GPhC-registered pharmacists", ["GPhC"]),
        ("General Optical Council", ["GOC"]),
        ("registered with Social Work England", ["Social Work England"]),
        ("NMC, HCPC or GMC", ["NMC", "HCPC", "GMC"]),
        # near misses: lower case and look-alikes
        ("nmc", []),
        ("the GMCs requirements", []),
        ("a GOCAR project", []),
    ],
)
def test_find_regulators(text, expected):
    assert entry.find_regulators(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Full-time or part-time, on campus", {"full-time", "part-time", "campus"}),
        ("Part-time, distance learning", {"part-time", "distance"}),
        ("Blended: study days on campus plus online learning", {"blended", "campus", "online"}),
        ("Part-time, work-based, with online workshops", {"part-time", "work-based", "online"}),
        ("12 months FT / 24 months PT", {"full-time", "part-time"}),
        ("City campus", {"campus"}),
        ("ft", set()),
    ],
)
def test_modes_in_label(value, expected):
    assert modes.modes_in_label(value) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("This course is taught online.", {"online"}),
        ("a work-based project in your own organisation", {"work-based"}),
        ("available full-time or part-time", {"full-time", "part-time"}),
        ("distance learning", {"distance"}),
        # near misses: words about something else
        ("Apply online now.", set()),
        ("Our online library is open all hours.", set()),
        ("You must be in full-time employment.", set()),
        ("part-time jobs in the city", set()),
        # a campus with a two-word name; a campus mentioned for something else is not a mode
        ("Teaching takes place on our Avery Hill campus in Eltham.", {"campus"}),
        ("Apply on our website or visit the campus shop", set()),
        # lengths per mode, option lines and brackets
        ("The Masters takes one year full-time or two years part-time.", {"full-time", "part-time"}),
        ("Full-time: £9,000 per annum\nPart-time: £4,500 per annum", {"full-time", "part-time"}),
        ("• Part-time (Home): Open", {"part-time"}),
        ("Semester 1, 2026 [Online] - Sydney", {"online"}),
        ("2020/21 Part-time Postgraduate course", {"part-time"}),
        ("this 2-year, part-time program", {"part-time"}),
        ("Scholarships start in May, running part-time for 18 months.", {"part-time"}),
        ("fellows were funded one day a week over a year", {"part-time"}),
        # how it is taught, in prose
        ("Virtual and in-person workshops make up the programme.", {"online", "campus"}),
        ("a virtual professional development program", {"online"}),
        ("The course runs as a 2-day course, in person.", {"campus"}),
        ("four 5-day sessions, taught in person on campus", {"campus"}),
        ("10 study days of face to face/virtual learning", {"campus", "online"}),
        ("Delivery will combine online and in-person methods of learning.", {"online", "campus", "blended"}),
        ("the certificate can be completed online in 6 months", {"online"}),
        ("participants also attend regular webinars", {"online"}),
        ("the programme is part-residential", {"blended"}),
        # learning tied to the learner's job
        ("a project in their own work area", {"work-based"}),
        ("trainees get protected time to practise quality improvement", {"work-based"}),
        ("the employer meets the cost of backfill", {"work-based"}),
        ("An ACF post runs alongside clinical training.", {"work-based"}),
        ("your placement will be in a GP setting", {"work-based"}),
        # near misses: timetables, jobs, prose about other things
        ("Seminars run three days a week.", set()),
        ("studying alongside your job", set()),
        ("Full-time staff get a discount.", set()),
        ("Our virtual tour shows the library.", set()),
        ("No participation in TeamSTEPPS Online.", set()),
        ("in-person", set()),
        ("taught residential modules", set()),
    ],
)
def test_modes_in_text(text, expected):
    assert modes.modes_in_text(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("FHEQ level 7", 7),
        ("Level 6 or 7", 7),
        ("6", 6),
        ("Masters level", 7),
        ("Postgraduate", None),
        ("Level 3", None),
    ],
)
def test_level_in_label(value, expected):
    assert levels.level_in_label(value) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("180 credits", 180),
        ("60 CATS points", 60),
        ("90 ECTS credits", 180),
        ("MSc 180, PgDip 120, PgCert 60 credits", 60),
        ("up to 120 credits of the 180 credits required", 180),
        ("2 CE credits", None),
        ("2026 entry", None),
    ],
)
def test_total_credits(text, expected):
    assert levels.total_credits(text) == expected


def test_module_sizes_can_be_skipped():
    assert levels.credit_values("£2,300 per 30-credit module; 180 credits in total", skip_module_sizes=True) == [180]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("September 2026, January 2027", ["September 2026", "January 2027"]),
        ("Sept and Jan", ["September", "January"]),
        ("14-16 April 2026", ["14 April 2026"]),
        ("1st February 2027", ["1 February 2027"]),
        ("Start anytime", ["any time"]),
        # a range gives only its start; a year written once at the end belongs to both
        ("March 4 - August 19, 2027", ["4 March 2027"]),
        ("October 5, 2026", ["5 October 2026"]),
        ("September 2026 to June 2027", ["September 2026"]),
        ("January 12 – March 30, 2027", ["12 January 2027"]),
        ("September 2026 or January 2027", ["September 2026", "January 2027"]),
        # near misses
        ("You may start when ready", []),
        ("2026/27 entry", []),
        ("September 12 credits", ["September"]),
        ("Starts January 2027 - limited places", ["January 2027"]),
    ],
)
def test_start_dates_in(value, expected):
    assert dates.start_dates_in(value) == expected


def test_start_dates_in_text_ignores_deadlines():
    text = "Applications close on 30 June 2026. The course starts in September 2026."
    assert dates.start_dates_in_text(text) == ["September 2026"]


@pytest.mark.parametrize(
    "label, expected",
    [
        ("Duration", "duration"),
        ("Course length:", "duration"),
        ("Study mode", "modes"),
        ("Tuition fees 2026/27", "fees"),
        ("Entry requirements", "entry"),
        ("Who can apply", "entry"),
        ("Start date(s)", "start"),
        ("Next intake", "start"),
        ("Qualification", "awards"),
        ("FHEQ level", "level"),
        ("Credits", "credits"),
        ("What you'll study", "topics"),
        ("How long it takes", "duration"),
        ("How long it will take", "duration"),
        ("Modes and duration", "duration"),
        ("Mode and duration", "duration"),
        ("Study mode and duration", "duration"),
        ("Programme starts", "start"),
        ("Course starts", "start"),
        ("Start dates", "start"),
        ("Who is the course for?", "entry"),
        ("What topics will you cover?", "topics"),
        ("What you will study", "topics"),
        ("What will you learn?", "topics"),
        # near misses: content, not labels
        ("Duration of the project was longer than planned and the team", None),
        ("Contact us", None),
        ("Careers", None),
        ("How long it takes to hear back about your application", None),
        ("How long", "duration"),
        ("Who is the course leader?", None),
        ("What topics interest you most in nursing today and why", None),
        ("Modes of transport and parking", None),
        ("The course starts with a welcome week in which you meet", None),
        # Bullets, arrows, colons and odd spaces around a label are dropped.
        ("\u00a0› Duration:\t", "duration"),
        ("•• Start dates ::", "start"),
        ("-\n-", None),
    ],
)
def test_label_name(label, expected):
    assert label_name(label) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "\n", "a", " a ", "a  b", "a\t\tb", "a\xa0b", "a \n b", "a\n\n\nb", " \n \n ",
        "\n\nTitle\n\n  Duration | 1 year | \n\n", "a\r\nb", "a\u2028b", "  lead  \n  trail  ",
    ],
)
def test_collapse_layout_matches_the_regex_it_replaced(text):
    reference = pagetext._LINE_BREAKS.sub("\n", pagetext._SPACES.sub(" ", text))
    assert pagetext._collapse_layout(text) == reference


@pytest.mark.parametrize(
    "text",
    [
        # each pattern's matches hold a guard word, so the guards never skip a true match
        "You will be paid a tax-free stipend", "the fellowship covers your salary", "a salaried post",
        "a paid\nfellowship", "We reimburse your employer for your salary",
    ],
)
def test_stipend_guard_keeps_matches(text):
    assert fees.pays_stipend(text) is True


@pytest.mark.parametrize(
    "text, expected",
    [
        ("This module carries 20 credits.", [20]),
        ("60 CATS points", [60]),
        ("30 ECTS", [60]),
        ("Credit value: 15", [15]),
        # near misses: no credit words at all
        ("A project about insects", []),
        ("Fees: £2,000", []),
    ],
)
def test_credit_values_guard(text, expected):
    assert levels.credit_values(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("FHEQ level 7", 7), ("Academic Level 6", 6), ("credit level 5", 5), ("Level 7 (FHEQ)", 7),
        ("HE7", 7),
        # near misses
        ("Level 3 qualifications", None), ("the 7 modules", None),
    ],
)
def test_stated_fheq_level_on_lowered_text(text, expected):
    assert levels.stated_fheq_level(text) == expected


def _keyfacts_of(html):
    root = pagetext.parse_html(html)
    pagetext.clean_tree(root)
    pagetext.mark_blocks(root)
    body = root.find("body")
    return read_keyfacts(body, pagetext.element_text(body))


@pytest.mark.parametrize(
    "html, name, value",
    [
        # a bold or span label opening its block, the value after it, no colon
        ("<ul><li><strong>Duration</strong> 3 weeks</li></ul>", "duration", "3 weeks"),
        ("<ul><li><b>Start date</b> September 2026</li></ul>", "start", "September 2026"),
        ('<p><span class="label">Mode and duration</span> 1 year full-time</p>', "duration", "1 year full-time"),
        ('<li><span class="icon"></span><strong>Price</strong> Free</li>', "fees", "Free"),
        ("<dd><b>Course starts</b> January and May</dd>", "start", "January and May"),
        # the colon form keeps working
        ("<p><strong>Duration:</strong> 2 years</p>", "duration", "2 years"),
    ],
)
def test_inline_label_without_colon(html, name, value):
    assert _keyfacts_of(f"<html><body><main>{html}</main></body></html>").values.get(name) == [value]


@pytest.mark.parametrize(
    "html",
    [
        # near misses: bold words inside prose, a long lead-in, a label that is not first in its block
        "<p>The <strong>duration</strong> depends on how many modules you take.</p>",
        "<p><strong>Format</strong> " + "matters a great deal in how people learn and remember, " * 4 + "so we vary it.</p>",
        "<p>Read this first. <b>Start</b> here when you are ready</p>",
        "<p><strong>Important</strong> 3 weeks notice is needed</p>",
    ],
)
def test_inline_label_near_misses(html):
    facts = _keyfacts_of(f"<html><body><main>{html}</main></body></html>")
    assert not facts.values.get("duration") and not facts.values.get("modes") and not facts.values.get("start")


@pytest.mark.parametrize(
    "label, value, expected",
    [
        ("What the fellowship funds", "your salary\nPhD tuition fees at the home rate\nresearch costs", True),
        ("What the award covers", "Course fees and travel", True),
        ("Scholarship covers", "tuition fees in full", True),
        # near misses: a fees label that is not a list of what a funder pays, or no fee in the list
        ("Fees and funding", "Tuition fees: see our fees page", False),
        ("What the fellowship funds", "your salary and research costs", False),
        ("Funding", "PhD tuition fees at the home rate", False),
    ],
)
def test_funder_pays_tuition(label, value, expected):
    assert fees.funder_pays_tuition(label, value) is expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Postgraduate fees and funding", True),
        ("Postgraduate tuition fees 2026/27", True),
        ("2026/27 tuition fees", True),
        ("Tuition fees", True),
        ("Fees for international students", True),
        ("Scholarships and bursaries", True),
        ("Course fees (2026 entry)", True),
        # near misses: a course, a fellowship, a subject that contains a money word
        ("Nursing MSc fees", False),
        ("Doctoral Fellowship", False),
        ("Health Economics and Costing", False),
        ("Funding for nurses returning to practice", False),
        ("", False),
    ],
)
def test_is_fees_title(title, expected):
    assert pagekind.is_fees_title(title) is expected
