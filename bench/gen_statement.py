#!/usr/bin/env python3
"""Generate a synthetic bank statement of a donation account, for tests and benchmarks.

Every name and number is invented. The description patterns follow what Vietnamese banks print for
incoming transfers (bank app, NAPAS interbank, e-wallets), and the layouts follow the banks' CSV/Excel
exports (src/domain/statement/ describes each layout; tests/fixtures/statements/ holds a sample of each).
A copy of the project's shared tools/gen_statement.py, so the benchmark runs from the repository alone.

    gen_statement.py --format vietcombank --lines 200000 --seed 7 > statement.csv
    gen_statement.py --format vietcombank --lines 200000 --seed 7 --shape real > statement.csv

--shape tidy (the default) writes one tidy description per layout, the name always where a reader
expects it. --shape real writes credit descriptions as messy as a national appeal's published
statement: the same layouts in estimated proportions, messages with and without the sender's name,
names run into the message, diacritics and mixed case, organisations, names that read like words
(TRUONG, TO, TU, TA, TOI), text broken by PDF extraction, and longer (a median of about 108
characters against the tidy shape's 93; over half of them 100-200) (bench/README.md, "The
statement's shape"). Amounts, dates and debits come from the same
distributions in both shapes (not the same values: the descriptions draw from the same random
sequence); the summary is the same in form, and --shape tidy writes what it always did for a seed.

The last line on stderr is a JSON summary (line count, credit and debit totals, closing balance), so a
test can check an import against it.
"""
import argparse
import csv
import datetime as dt
import functools
import itertools
import json
import random
import re
import sys
import unicodedata

FAMILY = ["NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "VU", "VO", "DANG", "BUI", "DO", "HO", "NGO",
          "DUONG", "LY", "LUONG", "NONG", "HA", "LANG", "MA", "LOC", "VI", "TRIEU"]
MIDDLE = ["VAN", "THI", "DUC", "MINH", "HOANG", "THANH", "NGOC", "QUANG", "HUU", "XUAN", "KIM", "THU"]
GIVEN = ["AN", "BINH", "CUONG", "DUNG", "GIANG", "HA", "HAI", "HANH", "HIEU", "HOA", "HUNG", "HUONG",
         "KHANH", "LAN", "LINH", "LONG", "MAI", "NAM", "NGA", "PHONG", "PHUONG", "QUAN", "SON", "TAM",
         "THAO", "THUY", "TIEN", "TRANG", "TUAN", "VAN", "VIET", "YEN"]
MESSAGES = ["chuyen tien", "ung ho", "ung ho nguoi ngheo", "ung ho quy vi nguoi ngheo", "quyen gop",
            "chung tay vi nguoi ngheo", "tet vi nguoi ngheo", "ung ho xay nha dai doan ket", "xin cam on"]
AMOUNTS = [10000, 20000, 50000, 100000, 200000, 300000, 500000, 1000000, 2000000, 5000000, 10000000]
BINS = ["970436", "970418", "970405", "970415", "970422", "970407", "970432", "970423"]
OWN_ACCOUNT = "0011009999999"
OWN_NAME = "UY BAN MTTQ TINH - QUY VI NGUOI NGHEO"


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def credit_description(rng, when, seq):
    name = person(rng)
    msg = rng.choice(MESSAGES)
    kind = rng.random()
    stamp = when.strftime("%d%m%y") + "." + when.strftime("%H%M%S")
    if kind < 0.30:
        acct = "".join(rng.choice("0123456789") for _ in range(13))
        return f"MBVCB.{rng.randrange(10**9, 10**10)}.{name} {msg}.CT tu {acct} {name} toi {OWN_ACCOUNT} {OWN_NAME}"
    if kind < 0.60:
        return f"{rng.randrange(100000, 999999)}.{stamp}.{name} {msg}"
    if kind < 0.72:
        ref = f"0200{rng.choice(BINS)}{when.strftime('%d%m%H%M%S')}{when.year}{rng.randrange(1000, 9999)}"
        return f"{ref}.{seq % 100000}.{when.strftime('%H%M%S')}.Vietcombank:{OWN_ACCOUNT}:{name} {msg}"
    if kind < 0.80:
        wid = rng.randrange(10**10, 10**11)
        phone = "09" + "".join(rng.choice("0123456789") for _ in range(8))
        return f"PARTNER.DIRECT_DEBITS_VCB.MSE.{wid}.{when.strftime('%Y%m%d')}.{wid}-{phone}_{name} chuyen tien qua MoMo"
    if kind < 0.86:
        return f"PARTNER.DIRECT_DEBITS_VCB.ZLP.ZP{rng.randrange(10**9, 10**10)}.{when.strftime('%Y%m%d')}.{name.title()} chuyen tien qua Zalopay"
    if kind < 0.90:
        phone = "849" + "".join(rng.choice("0123456789") for _ in range(8))
        return (f"{rng.randrange(100000, 999999)}.{stamp}.CKSOTAIKHOAN {rng.randrange(10**14, 10**15)} {name} "
                f"chuyen tien tu Viettel Money {phone} {OWN_ACCOUNT}")
    if kind < 0.95:
        return f"{rng.randrange(100000, 999999)}.{stamp}.IBFT {name} chuyen tien FT{when.strftime('%y%j')}{rng.randrange(10**10, 10**11)}"
    return f"{rng.randrange(100000, 999999)}.{stamp}.{msg}"  # no name: an anonymous gift


# ---------------------------------------------------------------------------------------------
# --shape real: descriptions as a national appeal's published statement prints them. Names and
# messages are written with their diacritics (invented names, common Vietnamese words); the bank
# strips the diacritics (plain()) except where a sender's app kept them. Weights are relative.

R_FAMILY = [("Nguyễn", 300), ("Trần", 100), ("Lê", 85), ("Phạm", 60), ("Hoàng", 40), ("Huỳnh", 25),
            ("Phan", 40), ("Vũ", 30), ("Võ", 25), ("Đặng", 20), ("Bùi", 20), ("Đỗ", 15), ("Hồ", 12),
            ("Ngô", 12), ("Dương", 10), ("Lý", 5), ("Đinh", 8), ("Trịnh", 6), ("Lương", 5), ("Lâm", 5),
            ("Cao", 5), ("Mai", 4), ("Đào", 6), ("Hà", 6), ("Lưu", 4), ("Chu", 3), ("Phùng", 3),
            ("Kiều", 2), ("Khuất", 1), ("Quách", 2), ("Tống", 2), ("Thạch", 1), ("Đàm", 2), ("Tăng", 1),
            ("Nông", 4), ("Lăng", 2), ("Ma", 1), ("Lộc", 2), ("Vi", 2), ("Triệu", 3), ("Hứa", 1),
            # surnames that are also words of a description: "truong" (school), "to", "tu" (from), "ta"
            ("Trương", 15), ("Tô", 5), ("Từ", 3), ("Tạ", 4)]
R_MIDDLE = [("Văn", 120), ("Thị", 130), ("Đức", 25), ("Minh", 30), ("Hoàng", 12), ("Thanh", 25),
            ("Ngọc", 25), ("Quang", 15), ("Hữu", 15), ("Xuân", 12), ("Kim", 12), ("Thu", 10), ("Bảo", 8),
            ("Anh", 10), ("Gia", 6), ("Như", 4), ("Phương", 6), ("Hải", 6), ("Công", 8), ("Trung", 6),
            ("Hồng", 12), ("Bích", 6), ("Diệu", 3), ("Khánh", 5), ("Tuấn", 5), ("Mạnh", 5), ("Thế", 6),
            ("Thùy", 6), ("Mỹ", 4), ("Quốc", 8), ("Đình", 8), ("Tiến", 4), ("Việt", 4)]
R_GIVEN = [("An", 10), ("Bình", 10), ("Cường", 8), ("Dũng", 10), ("Giang", 8), ("Hà", 8), ("Hải", 8),
           ("Hạnh", 6), ("Hiếu", 8), ("Hoa", 8), ("Hùng", 10), ("Hương", 10), ("Khánh", 6), ("Lan", 8),
           ("Linh", 12), ("Long", 8), ("Mai", 8), ("Nam", 10), ("Nga", 6), ("Phong", 6), ("Phương", 8),
           ("Quân", 6), ("Sơn", 8), ("Tâm", 8), ("Thảo", 10), ("Thủy", 8), ("Tiến", 6), ("Trang", 12),
           ("Tuấn", 10), ("Vân", 6), ("Việt", 6), ("Yến", 6), ("Tuyến", 3), ("Nhung", 6), ("Huyền", 8),
           ("Ngân", 6), ("Đạt", 6), ("Duy", 6), ("Khoa", 5), ("Thắng", 5), ("Trung", 5), ("Vy", 5),
           ("Anh", 10), ("Quỳnh", 5), ("Thành", 6), ("Nhân", 3), ("Lộc", 3), ("Tú", 4), ("Tư", 2),
           ("Tới", 3), ("Thơm", 2), ("Sen", 2), ("Cúc", 2), ("Hân", 4), ("Hòa", 4), ("Luân", 2)]
# a second middle name is neither Văn nor Thị nor the first again
SECOND_MIDDLE = {m: [x for x in R_MIDDLE if x[0] not in ("Văn", "Thị", m)] for m, _ in R_MIDDLE}

ORG_PLACES = ["AN PHU", "HOA BINH", "TAN LAP", "DONG TIEN", "BINH MINH", "HOP THANH", "TAN THANH",
              "PHU LOC", "HUNG DAO", "QUANG TRUNG", "DONG TAM", "THANH XUAN", "AN KHANH", "VINH HUNG",
              "HOANG DONG", "CHI LANG", "MINH KHAI", "HOA LAC", "PHU THUONG", "NAM SON"]
ORG_TRADES = ["THUONG MAI DICH VU", "XAY DUNG", "CONG NGHE", "VAN TAI", "DAU TU", "SAN XUAT", "DUOC PHAM",
              "THIET BI Y TE", "NONG SAN", "XUAT NHAP KHAU", "IN AN", "MOI TRUONG"]
ORG_BRANDS = ["AN PHAT", "MINH KHANG", "HOANG LONG", "THIEN AN", "PHUC THINH", "NAM VIET", "HAI DANG",
              "TRUONG THINH", "BAO NGOC", "DAI PHONG", "KIM CUONG", "SAO MAI", "VIET TIEN", "HUNG THINH"]
ORGS = [  # (template, weight): {p} a place, {t} a trade, {b} a brand, {n} a number
    ("CONG TY TNHH {t} {b}", 20), ("CONG TY CO PHAN {t} {b}", 10), ("CTY TNHH {b}", 6),
    ("CONG TY TNHH MTV {b}", 5), ("TRUONG THCS {p}", 8), ("TRUONG TIEU HOC {p}", 6),
    ("TRUONG MAM NON {b}", 4), ("TRUONG THPT {p}", 4), ("HOI PHU NU XA {p}", 6),
    ("HOI PHU NU PHUONG {p}", 4), ("HOI CUU CHIEN BINH XA {p}", 4), ("CHI BO THON {n}", 4),
    ("CHI BO KHU PHO {n}", 4), ("CHI BO {p}", 3), ("DOAN THANH NIEN XA {p}", 3), ("UBND XA {p}", 3),
    ("CONG DOAN CONG TY {b}", 3), ("CLB THIEN NGUYEN {b}", 3), ("BAN LIEN LAC HO {b}", 1),
    ("TAP THE CAN BO GIAO VIEN TRUONG THCS {p}", 2), ("NHOM THIEN NGUYEN {b}", 2),
]

# what senders type; "UH", "Gd", "ck" are the usual abbreviations
R_MESSAGES = [
    ("Ủng hộ miền bắc", 40), ("UH đồng bào lũ lụt", 20), ("ủng hộ bà con vùng lũ", 30),
    ("Chúc mọi người bình an", 12), ("Gd ủng hộ", 8), ("Mong bà con sớm vượt qua", 12),
    ("ủng hộ", 10), ("ung ho dong bao bi bao lu", 12), ("ck ủng hộ", 5), ("chuyển tiền", 8),
    ("chuyen khoan", 5), ("quyên góp", 3), ("ủng hộ đồng bào miền Bắc khắc phục hậu quả bão số 3", 20),
    ("chia sẻ khó khăn với bà con vùng lũ", 10), ("một chút tấm lòng gửi đồng bào miền Bắc", 8),
    ("Của ít lòng nhiều", 6), ("Miền Bắc cố lên", 8), ("VIỆT NAM CỐ LÊN", 3), ("thương về miền Bắc", 4),
    ("lá lành đùm lá rách", 3), ("ủng hộ Lào Cai, Yên Bái", 4), ("ủng hộ Lạng Sơn", 4),
    ("ủng hộ quỹ vì người nghèo", 5), ("chuyển tiền ủng hộ đồng bào bị ảnh hưởng bởi bão lũ", 12),
    ("Gia đình chúng tôi xin gửi chút tấm lòng tới bà con vùng lũ, chúc mọi người bình an và sớm vượt "
     "qua khó khăn", 8),
    ("Cháu là học sinh lớp 5, cháu xin gửi chút tiền tiết kiệm tới các bạn nhỏ vùng lũ", 3),
    ("tập thể lớp 12A1 ủng hộ đồng bào miền Bắc", 3),
    ("Ủng hộ đồng bào vùng lũ, mong mọi người bình an, sớm ổn định cuộc sống", 8),
    ("ủng hộ bà con miền Bắc khắc phục hậu quả mưa lũ, sạt lở đất", 12),
    ("con và gia đình xin ủng hộ bà con, mong mọi người vượt qua khó khăn", 5),
    ("tiền mừng tuổi của bé ủng hộ các bạn vùng lũ", 3), ("nhóm bạn cấp 3 ủng hộ", 2),
    ("gửi bà con vùng lũ, mong mọi người giữ gìn sức khỏe", 8), ("hướng về miền Bắc thân yêu", 4),
    ("ủng hộ đồng bào các tỉnh phía Bắc bị thiệt hại do bão lũ gây ra", 10),
    ("Tương thân tương ái, chung tay cùng đồng bào vùng lũ vượt qua khó khăn", 8),
    ("chung tay vì người nghèo", 3), ("ủng hộ xây nhà đại đoàn kết", 2), ("xin cảm ơn", 2),
]
# what follows a name in capitals with nothing to tell them apart (the name runs into it)
R_RUN_IN = ["UNG HO BA CON VUNG LU", "CHUYEN KHOAN MAT TRAN TO QUOC VN BAN CUU TRO TW", "UNG HO DONG BAO LU LUT",
            "UNG HO MIEN BAC", "GUI BA CON VUNG LU", "CHUYEN KHOAN", "QUYEN GOP UNG HO", "UNG HO MTTQ VN",
            "UNG HO DONG BAO MIEN BAC", "CHUC BA CON BINH AN", "TO QUOC GHI CONG", "TU THIEN"]
R_PAYEE = "MAT TRAN TO QUOC VN - BAN CUU TRO TRUNG UONG"
CONTENT_MAX = 120  # the sender's text is cut here
# the layouts' shares of the credit lines: an estimate for an appeal account at Vietcombank (its own
# app and NAPAS transfers from other banks the bulk of it), not counted from a real statement
R_LAYOUTS = [("app", 37), ("napas", 33), ("bin", 8), ("ibft", 4), ("momo", 7), ("zalo", 3), ("viettel", 2),
             ("vietinbank", 6)]


@functools.lru_cache(maxsize=None)
def plain(s):
    """What the bank prints: Vietnamese without its diacritics."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


_TABLES = {}


def pick(rng, weighted):
    """One item of a [(item, weight)] list, by weight (its cumulative weights computed once)."""
    key = id(weighted)
    if key not in _TABLES:
        _TABLES[key] = ([w[0] for w in weighted], list(itertools.accumulate(w[1] for w in weighted)), weighted)
    items, cum, _ = _TABLES[key]
    return rng.choices(items, cum_weights=cum)[0]


def digits(rng, n):
    return f"{rng.randrange(10**n):0{n}d}"


def real_person(rng):
    """An invented name with its diacritics: family, one or two middle names (rarely none), given."""
    k = rng.random()
    parts = [pick(rng, R_FAMILY)]
    if k >= 0.04:
        parts.append(pick(rng, R_MIDDLE))
    if k >= 0.80:
        parts.append(pick(rng, SECOND_MIDDLE[parts[-1]]))
    parts.append(pick(rng, R_GIVEN))
    return " ".join(parts)


def organisation(rng):
    t = pick(rng, ORGS)
    return t.format(p=rng.choice(ORG_PLACES), t=rng.choice(ORG_TRADES), b=rng.choice(ORG_BRANDS),
                    n=rng.randrange(1, 16))


def spaced_letters(name):
    """PDF extraction: `VO THI KIM TUYEN` read as `V O THI KIM TUYEN`."""
    first, _, rest = name.partition(" ")
    return " ".join(first) + (" " + rest if rest else "")


def render_name(rng, name, typed):
    """The name as it reaches the statement: in capitals without diacritics mostly; as the sender
    typed it (diacritics kept) when `typed`; title or lower case now and then."""
    k = rng.random()
    shown = name if typed else plain(name)
    if k < 0.84:
        shown = shown.upper()
    elif k < 0.96:
        shown = shown.title() if shown.isupper() else shown
    else:
        shown = shown.lower()
    if rng.random() < 0.012 and len(shown.split(" ")[0]) <= 3:
        shown = spaced_letters(shown)
    return shown


def message(rng, typed):
    m = pick(rng, R_MESSAGES)
    m = m if typed else plain(m)
    k = rng.random()
    return m.upper() if k < 0.12 else m.lower() if k < 0.30 else m


def content(rng, name, typed):
    """The free text the sender typed (or the app filled in), with or without the name; a long one is
    cut where the bank cuts it, mid-word."""
    text = compose(rng, name, typed)
    return text[:CONTENT_MAX].rstrip()


def compose(rng, name, typed):
    k = rng.random()
    if name is None or k < 0.25:
        return message(rng, typed)                                    # only a message
    if k < 0.53:
        return f"{name} {message(rng, typed)}"
    if k < 0.67:
        return f"{name} {'chuyen khoan' if rng.random() < 0.3 else 'chuyen tien'}"  # the app's default
    if k < 0.77:
        return f"{name.upper()} {rng.choice(R_RUN_IN)}"              # run into the message or payee
    if k < 0.82:
        return f"{message(rng, typed)} - {name}"
    if k < 0.86:
        return f"{name} - {message(rng, typed)}"
    if k < 0.90:
        return f"{rng.choice(['GD', 'Gd', 'Gia dinh', 'Ba', 'Ong', 'CK tu', 'Vo chong'])} {name} {message(rng, typed)}"
    if k < 0.94:
        return f"{name} {'0' + rng.choice('35789') + digits(rng, 8)} {message(rng, typed)}"
    if k < 0.98:
        return f"{name} {message(rng, typed)} {message(rng, typed)}"
    return name


def donor(rng, typed):
    """Who gave: a person mostly, an organisation sometimes (in capitals, as banks hold them).
    Returns the name as the sender wrote it and as the sending bank holds it (capitals, no
    diacritics), each broken by the PDF on its own."""
    if rng.random() < 0.05:
        org = organisation(rng)
        return org, org
    name = real_person(rng)
    holder = plain(name).upper()
    if rng.random() < 0.012 and len(holder.split(" ")[0]) <= 3:
        holder = spaced_letters(holder)
    return render_name(rng, name, typed), holder


def break_text(rng, d):
    """PDF extraction's damage: a space inside the leading reference (`…21559. 110332.`), or inside
    a long word (`NGUY EN`)."""
    k = rng.random()
    if k < 0.025:
        head = d.split(" ", 1)[0]
        dots_at = [i for i, c in enumerate(head[:40]) if c == "."]
        if dots_at and rng.random() < 0.6:
            i = rng.choice(dots_at) + 1
        elif len(head) > 4:
            i = rng.randrange(2, min(len(head), 40) - 1)
        else:
            return d
        return d[:i] + " " + d[i:]
    if k < 0.035:
        words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{6,}", d)]
        if words:
            a, b = rng.choice(words)
            i = rng.randrange(a + 2, b - 1)
            return d[:i] + " " + d[i:]
    return d


def real_credit_description(rng, when, seq):
    typed = rng.random() < 0.06   # the sender's app kept the diacritics
    anonymous = rng.random() < 0.03
    name, holder = (None, None) if anonymous else donor(rng, typed)
    stamp = when.strftime("%d%m%y") + "." + when.strftime("%H%M%S")
    trace = rng.randrange(100000, 999999)
    ft = f"FT{when:%y}{when.timetuple().tm_yday:03d}{digits(rng, 9)}"
    layout = pick(rng, R_LAYOUTS)
    if layout == "app":
        # Vietcombank's own app: the message, then the sending account and its holder as the bank has
        # it (in capitals); the message names someone else now and then (a relative, a company)
        if name is None or rng.random() < 0.05:
            holder = plain(real_person(rng)).upper()
        if rng.random() < 0.005:
            holder = ""
        acct = digits(rng, rng.choice([10, 10, 11, 13, 13, 14]))
        text = content(rng, name if rng.random() < 0.6 else None, typed)
        d = f"MBVCB.{rng.randrange(10**9, 10**10)}.{text}.CT tu {acct} {holder}{' ' if holder else ''}toi {OWN_ACCOUNT} {R_PAYEE}"
    elif layout == "napas":
        text = content(rng, name if rng.random() < 0.6 else None, typed)
        d = f"{trace}.{stamp}.{text}" + (f" {ft}" if rng.random() < 0.8 else "")
    elif layout == "bin":
        tail = f"{rng.randrange(1000, 9999)}" if rng.random() < 0.6 else \
            "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
        ref = f"0200{rng.choice(BINS)}{when.strftime('%d%m%H%M%S')}{when.year}{tail}"
        text = content(rng, name if rng.random() < 0.7 else None, typed)
        d = f"{ref}.{seq % 100000}.{when.strftime('%H%M%S')}.Vietcombank:{OWN_ACCOUNT}:{text}"
    elif layout == "ibft":
        text = content(rng, name if rng.random() < 0.75 else None, typed)
        d = f"{trace}.{stamp}.IBFT {text} {ft}" if rng.random() < 0.8 else f"IBFT {text}"
    elif layout == "momo":
        wid = rng.randrange(10**10, 10**11)
        phone = "0" + rng.choice("35789") + digits(rng, 8)
        if name is None or rng.random() < 0.15:
            text = message(rng, typed)
        elif rng.random() < 0.5:
            text = f"{name} chuyen tien qua MoMo"
        else:
            text = f"{name} {message(rng, typed)}"
        d = f"PARTNER.DIRECT_DEBITS_VCB.MSE.{wid}.{when:%Y%m%d}.{wid}-{phone}_{text}"
    elif layout == "zalo":
        # ZaloPay writes the sender in title case
        msg = message(rng, typed)
        if name is None or rng.random() < 0.2:
            text = msg.title() if rng.random() < 0.5 else msg
        else:
            text = f"{name.title()} {'chuyen tien qua Zalopay' if rng.random() < 0.5 else msg}"
        d = f"PARTNER.DIRECT_DEBITS_VCB.ZLP.ZP{rng.randrange(10**9, 10**10)}.{when:%Y%m%d}.{text}"
    elif layout == "viettel":
        phone = "849" + digits(rng, 8)
        who = f"{holder} " if holder is not None and rng.random() < 0.85 else ""
        d = (f"{trace}.{stamp}.CKSOTAIKHOAN {rng.randrange(10**14, 10**15)} {who}"
             f"chuyen tien tu Viettel Money {phone} {OWN_ACCOUNT}")
    else:
        # VietinBank's wording of an incoming fast transfer
        text = content(rng, name if rng.random() < 0.7 else None, typed)
        head = "CT nhanh 247 den: " if rng.random() < 0.5 else "Chuyen tien den tu NAPAS Noi dung: "
        d = head + text
    return break_text(rng, d)


def rows(rng, n, start, describe=credit_description):
    """Yield (when, doc_no, debit, credit, description) in time order."""
    when = start
    step = max(1, int(86400 * 10 / max(n, 1)))  # spread over about ten days
    for seq in range(1, n + 1):
        when += dt.timedelta(seconds=rng.randrange(0, 2 * step + 1))
        doc = f"{rng.randrange(5000, 5400)}.{rng.randrange(10000, 99999)}"
        if rng.random() < 0.004:
            yield when, doc, 55000 if rng.random() < 0.5 else 11000, 0, \
                f"THU PHI DICH VU SMS CHU DONG THANG {when.month:02d}/{when.year}. So tien 55000 VND"
        else:
            amount = rng.choice(AMOUNTS) if rng.random() < 0.9 else rng.randrange(1, 5000) * 1000
            yield when, doc, 0, amount, describe(rng, when, seq)


def dots(n):
    return f"{n:,}".replace(",", ".") if n else ""


def commas(n):
    return f"{n:,}" if n else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", choices=["vietcombank", "bidv", "vietinbank", "agribank", "generic"], default="vietcombank")
    ap.add_argument("--lines", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--opening", type=int, default=1_250_000_000, help="opening balance in VND")
    ap.add_argument("--start", default="2026-10-17", help="first day, YYYY-MM-DD")
    ap.add_argument("--shape", choices=["tidy", "real"], default="tidy",
                    help="credit descriptions: tidy (one clean layout each) or real (as messy as a published "
                         "appeal statement)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    start = dt.datetime.fromisoformat(a.start) + dt.timedelta(hours=6)
    data = list(rows(rng, a.lines, start, real_credit_description if a.shape == "real" else credit_description))
    out = csv.writer(sys.stdout, lineterminator="\n")
    balance = a.opening
    credits = debits = 0
    fmt = a.format

    if fmt == "vietcombank":
        out.writerow(["Ngày/TNX Date", "Số CT/Doc No", "Số tiền ghi nợ/Debit", "Số tiền ghi có/Credit",
                      "Số dư/Balance", "Nội dung chi tiết/Transactions in detail"])
    elif fmt == "bidv":
        out.writerow(["BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN"])
        out.writerow([f"Số tài khoản: {OWN_ACCOUNT}"])
        out.writerow([f"Từ ngày {data[0][0]:%d/%m/%Y} đến ngày {data[-1][0]:%d/%m/%Y}" if data else ""])
        out.writerow(["STT", "Ngày hiệu lực", "Ghi nợ", "Ghi có", "Số dư", "Mô tả"])
        out.writerow(["", "", "", "", commas(balance), "Dư đầu"])
    elif fmt == "vietinbank":
        out.writerow(["LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY"])
        out.writerow(["STT/No.", "Ngày hạch toán/Accounting date", "Mô tả giao dịch/Transaction description",
                      "Nợ/Debit", "Có/Credit", "Số dư TK/Account balance", "Số giao dịch/Transaction number"])
    elif fmt == "agribank":
        out.writerow(["SAO KÊ TÀI KHOẢN"])
        out.writerow(["Ngày giao dịch", "Số bút toán", "Ghi nợ", "Ghi có", "Số dư", "Diễn giải"])
    else:
        out.writerow(["date", "reference", "debit", "credit", "balance", "description"])

    prev_day = None
    for i, (when, doc, debit, credit, desc) in enumerate(data):
        balance += credit - debit
        credits += credit
        debits += debit
        last_of_day = i + 1 == len(data) or data[i + 1][0].date() != when.date()
        if fmt == "vietcombank":
            out.writerow([f"{when:%d/%m/%Y}", doc, dots(debit), dots(credit), dots(balance) if last_of_day else "", desc])
        elif fmt == "bidv":
            out.writerow([i + 1, f"{when:%d/%m/%Y}", commas(debit), commas(credit), commas(balance), desc])
        elif fmt == "vietinbank":
            day = f"{when:%d/%m/%Y %H:%M:%S}" if when.date() != prev_day else ""  # dates left blank within a day
            out.writerow([i + 1, day, desc, commas(debit), commas(credit), commas(balance), doc.replace(".", "")])
        elif fmt == "agribank":
            out.writerow([f"{when:%d/%m/%Y}", doc, dots(debit), dots(credit), dots(balance), desc])
        else:
            out.writerow([f"{when:%Y-%m-%d}", doc, debit or "", credit or "", balance, desc])
        prev_day = when.date()
    if fmt == "bidv":
        out.writerow(["", "", commas(debits), commas(credits), commas(balance), "Dư cuối"])
    print(json.dumps({"format": fmt, "lines": len(data), "credits_total": credits, "debits_total": debits,
                      "opening_balance": a.opening, "closing_balance": balance}), file=sys.stderr)


if __name__ == "__main__":
    main()
