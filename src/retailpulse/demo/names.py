"""Name pools for customers and social authors, per region, drawn with numpy.

Each pool gives a display name and an ASCII form for e-mail addresses and handles.
"""

from __future__ import annotations

import numpy as np

_ID_FIRST = ["Adi", "Agus", "Ahmad", "Aldi", "Andi", "Angga", "Anisa", "Annisa", "Ari", "Arif", "Ayu", "Bayu", "Budi", "Cahya", "Citra", "Dani", "Dewi", "Dian", "Dimas", "Eka", "Eko", "Fajar", "Fauzi", "Fitri", "Gilang", "Hana", "Hendra", "Ika", "Indah", "Intan", "Irfan", "Joko", "Kartika", "Lestari", "Lina", "Maya", "Mega", "Nadia", "Nanda", "Nur", "Oktavia", "Putra", "Putri", "Raka", "Rani", "Ratna", "Reza", "Rina", "Rizki", "Sari", "Siti", "Sri", "Tika", "Tri", "Wahyu", "Wulan", "Yoga", "Yudi", "Yuni", "Zahra", "Bintang", "Kirana", "Laras", "Salsa", "Tasya"]
_ID_LAST = ["Pratama", "Saputra", "Wijaya", "Santoso", "Lestari", "Hidayat", "Nugroho", "Kusuma", "Setiawan", "Wibowo", "Gunawan", "Halim", "Susanto", "Permata", "Rahmawati", "Siregar", "Nasution", "Simanjuntak", "Putri", "Maharani", "Utami", "Hartono", "Sihombing", "Anggraini", "Firmansyah", "Ramadhan", "Kurniawan", "Purnomo", "Salim", "Tanjung"]
_EN_FIRST = ["Oliver", "Amelia", "Harry", "Isla", "Jack", "Ava", "George", "Mia", "Noah", "Emily", "Leo", "Grace", "Jacob", "Sophie", "Charlie", "Lily", "Thomas", "Ella", "James", "Chloe", "William", "Freya", "Oscar", "Poppy", "Alfie", "Evie", "Henry", "Ruby", "Archie", "Daisy", "Ethan", "Zara", "Daniel", "Hannah", "Samuel", "Priya", "Aisha", "Mohammed", "Ravi", "Jasmine", "Ryan", "Megan", "Liam", "Nina"]
_EN_LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright", "Robinson", "Wood", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Khan", "Lewis", "Clarke", "Jackson", "Hughes", "Edwards", "Hill", "Moore", "Ali", "Scott", "Turner", "Cooper", "Ward", "Baker", "Harris", "Martin", "King"]
_SG_FIRST = ["Wei Ling", "Jun Jie", "Hui Min", "Zhi Hao", "Xin Yi", "Jia Hui", "Kai Wen", "Siti", "Nurul", "Aisyah", "Farhan", "Hafiz", "Priya", "Arjun", "Kavitha", "Rahul", "Rachel", "Jason", "Chloe", "Ryan", "Sarah", "Daniel", "Megan", "Bryan", "Amanda", "Nicholas"]
_SG_LAST = ["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Chan", "Koh", "Teo", "Ang", "Yeo", "Tay", "Ho", "Low", "Toh", "Sim", "Chong", "Rahman", "Ismail", "Abdullah", "Nair", "Menon", "Pillai", "Kumar", "Singh"]
# (hanzi, pinyin)
_ZH_SURNAMES = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
    ("罗", "luo"),
    ("高", "gao"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
)
_ZH_GIVEN = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("勇", "yong"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("婷婷", "tingting"),
    ("晓燕", "xiaoyan"),
    ("子涵", "zihan"),
    ("欣怡", "xinyi"),
    ("梓萱", "zixuan"),
    ("雨桐", "yutong"),
    ("浩然", "haoran"),
    ("宇轩", "yuxuan"),
    ("思远", "siyuan"),
    ("佳琪", "jiaqi"),
    ("一鸣", "yiming"),
    ("诗涵", "shihan"),
    ("俊杰", "junjie"),
)
_TW_SURNAMES = (
    ("陳", "chen"),
    ("林", "lin"),
    ("黃", "huang"),
    ("張", "chang"),
    ("李", "lee"),
    ("王", "wang"),
    ("吳", "wu"),
    ("劉", "liu"),
    ("蔡", "tsai"),
    ("楊", "yang"),
    ("許", "hsu"),
    ("鄭", "cheng"),
    ("謝", "hsieh"),
    ("郭", "kuo"),
    ("洪", "hung"),
    ("曾", "tseng"),
    ("邱", "chiu"),
    ("廖", "liao"),
)
_TW_GIVEN = (
    ("怡君", "yichun"),
    ("雅婷", "yating"),
    ("家豪", "chiahao"),
    ("志明", "chihming"),
    ("淑芬", "shufen"),
    ("冠宇", "kuanyu"),
    ("宜蓁", "yichen"),
    ("承翰", "chenghan"),
    ("詩涵", "shihhan"),
    ("柏翰", "pohan"),
    ("佩君", "peichun"),
    ("俊傑", "chunchieh"),
    ("筱涵", "hsiaohan"),
    ("彥廷", "yenting"),
    ("欣妤", "hsinyu"),
    ("宗翰", "tsunghan"),
    ("郁婷", "yuting"),
    ("建宏", "chienhung"),
    ("美玲", "meiling"),
    ("思妤", "szuyu"),
)


def draw_names(rng: np.random.Generator, region: str, n: int) -> tuple[list[str], list[str]]:
    """``n`` display names for a region and their ASCII forms (``first.last``)."""
    if region in ("CN", "TW"):
        sur, giv = (_ZH_SURNAMES, _ZH_GIVEN) if region == "CN" else (_TW_SURNAMES, _TW_GIVEN)
        si = rng.integers(0, len(sur), n)
        gi = rng.integers(0, len(giv), n)
        names = [sur[a][0] + giv[b][0] for a, b in zip(si.tolist(), gi.tolist(), strict=True)]
        ascii_ = [f"{giv[b][1]}.{sur[a][1]}" for a, b in zip(si.tolist(), gi.tolist(), strict=True)]
        return names, ascii_
    first, last = {
        "ID": (_ID_FIRST, _ID_LAST),
        "SG": (_SG_FIRST, _SG_LAST),
        "GB": (_EN_FIRST, _EN_LAST),
    }[region]
    fi = rng.integers(0, len(first), n).tolist()
    li = rng.integers(0, len(last), n).tolist()
    names = [f"{first[a]} {last[b]}" for a, b in zip(fi, li, strict=True)]
    ascii_ = [
        f"{first[a].lower().replace(' ', '')}.{last[b].lower()}"
        for a, b in zip(fi, li, strict=True)
    ]
    return names, ascii_


_HANDLE_SUFFIX = ("", "_", ".", "__", "x", "official", "id", "98", "01", "22", "07", "real")


def make_handles(rng: np.random.Generator, ascii_names: list[str], serial: np.ndarray) -> list[str]:
    """Social handles derived from ASCII names; ``serial`` keeps them unique."""
    suf = rng.integers(0, len(_HANDLE_SUFFIX), len(ascii_names)).tolist()
    style = rng.integers(0, 3, len(ascii_names)).tolist()
    out = []
    for name, s, st, k in zip(ascii_names, suf, style, serial.tolist(), strict=True):
        first, _, last = name.partition(".")
        base = (first + last) if st == 0 else (first + "_" + last[:3]) if st == 1 else first
        out.append(f"{base}{_HANDLE_SUFFIX[s]}{k}")
    return out
