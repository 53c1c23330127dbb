"""Demo master data: about 30 customers, 8 suppliers and 50 products.

Deterministic (a seeded ``random.Random``) so screenshots, tests and other
addons' demo loaders see the same data on every install. Every record gets an
external id (``base.demo_customer_01``, ``base.demo_supplier_01``,
``base.demo_product_01`` …; a customer's contact is ``base.demo_contact_NN`` and
its delivery addresses ``base.demo_delivery_NN_M``, so that the prefix
``demo_customer_`` names companies only) registered through :func:`kernel.data.upsert`, so
loading twice updates instead of duplicating and other addons can write
``env.ref("base.demo_product_07")``.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.base.services.products import ean13_check_digit
from kernel.data import upsert
from kernel.env import Env

ADDON = "base"

GROUPS = [
    ("demo_group_distributor", "经销商 Distributor", "DIST"),
    ("demo_group_retail", "零售 Retail", "RETAIL"),
    ("demo_group_key_account", "大客户 Key account", "KEY"),
]

TAGS = [("demo_tag_vip", "VIP"), ("demo_tag_east", "华东"), ("demo_tag_south", "华南")]

# (name, city, region external id, street, zip)
CHINESE_CUSTOMERS = [
    ("上海明远贸易有限公司", "上海", "state_cn_sh", "浦东新区张江路 88 号", "201203"),
    ("北京华信科技有限公司", "北京", "state_cn_bj", "海淀区中关村大街 27 号", "100080"),
    ("深圳市前海电子商务有限公司", "深圳", "state_cn_gd", "南山区前海路 1 号", "518052"),
    ("杭州西子丝绸有限公司", "杭州", "state_cn_zj", "西湖区文三路 199 号", "310012"),
    ("广州珠江百货有限公司", "广州", "state_cn_gd", "天河区天河路 208 号", "510620"),
    ("南京金陵文具有限公司", "南京", "state_cn_js", "鼓楼区中山北路 30 号", "210008"),
    ("苏州工业园区精工贸易有限公司", "苏州", "state_cn_js", "星湖街 328 号", "215123"),
    ("成都天府茶业有限公司", "成都", "state_cn_sc", "锦江区春熙路 15 号", "610021"),
    ("武汉长江办公用品有限公司", "武汉", "state_cn_hb", "江汉区解放大道 690 号", "430022"),
    ("厦门鹭岛进出口有限公司", "厦门", "state_cn_fj", "思明区湖滨南路 57 号", "361004"),
    ("青岛海韵服饰有限公司", "青岛", "state_cn_sd", "市南区香港中路 61 号", "266071"),
    ("天津滨海数码有限公司", "天津", "state_cn_tj", "滨海新区第三大街 10 号", "300457"),
    ("重庆山城商贸有限公司", "重庆", "state_cn_cq", "渝中区解放碑民族路 166 号", "400010"),
    ("长沙湘江礼品有限公司", "长沙", "state_cn_hn", "芙蓉区五一大道 389 号", "410011"),
    ("宁波港城电器有限公司", "宁波", "state_cn_zj", "鄞州区天童南路 588 号", "315100"),
    ("西安古城文化用品有限公司", "西安", "state_cn_sn", "雁塔区高新路 52 号", "710075"),
    ("昆明春城茶叶有限公司", "昆明", "state_cn_yn", "五华区东风西路 11 号", "650031"),
    ("郑州中原百货有限公司", "郑州", "state_cn_ha", "金水区花园路 39 号", "450008"),
    ("合肥徽商科技有限公司", "合肥", "state_cn_ah", "蜀山区长江西路 669 号", "230088"),
    ("沈阳北方商贸有限公司", "沈阳", "state_cn_ln", "和平区南京北街 206 号", "110001"),
    ("石家庄冀联办公设备有限公司", "石家庄", "state_cn_he", "长安区中山东路 508 号", "050011"),
    ("东莞市虎门服装有限公司", "东莞", "state_cn_gd", "虎门镇连升路 3 号", "523900"),
    ("义乌小商品贸易有限公司", "义乌", "state_cn_zj", "福田街道商城大道 1 号", "322000"),
    ("上海静安精品店", "上海", "state_cn_sh", "静安区南京西路 1266 号", "200040"),
]

# (name, city, country external id, street, zip, lang)
FOREIGN_CUSTOMERS = [
    ("Pacific Trading Co., Ltd.", "Hong Kong", "country_hk", "18 Harbour Road, Wan Chai", "", "en"),
    ("Berlin Office Supplies GmbH", "Berlin", "country_de", "Friedrichstraße 68", "10117", "en"),
    ("Tokyo Lifestyle K.K.", "Tokyo", "country_jp", "1-1-2 Otemachi, Chiyoda-ku", "100-0004", "en"),
    ("Lion City Gadgets Pte. Ltd.", "Singapore", "country_sg", "1 Raffles Place", "048616", "en"),
    ("Thames Tea Company Ltd", "London", "country_gb", "12 Borough High Street", "SE1 9QQ", "en"),
    ("Golden Gate Imports Inc.", "San Francisco", "country_us", "500 Market Street", "94105", "en"),
]

SUPPLIERS = [
    ("浙江纺织印染有限公司", "绍兴", "state_cn_zj", "柯桥区笛扬路 1 号"),
    ("深圳华强电子元件有限公司", "深圳", "state_cn_gd", "福田区华强北路 1019 号"),
    ("宁波得力文具制造有限公司", "宁波", "state_cn_zj", "宁海县得力工业园"),
    ("福建安溪铁观音茶厂", "泉州", "state_cn_fj", "安溪县城厢镇茶都路 8 号"),
    ("杭州龙井茶叶合作社", "杭州", "state_cn_zj", "西湖区龙井村 168 号"),
    ("佛山家居用品制造有限公司", "佛山", "state_cn_gd", "顺德区乐从镇家具城"),
    ("苏州丝绸纺织厂", "苏州", "state_cn_js", "吴江区盛泽镇丝绸路 2 号"),
    ("上海快运物流有限公司", "上海", "state_cn_sh", "闵行区虹桥综合交通枢纽"),
]

CATEGORIES = [
    ("demo_categ_apparel", "Apparel", "服装", None),
    ("demo_categ_apparel_men", "Men", "男装", "demo_categ_apparel"),
    ("demo_categ_apparel_women", "Women", "女装", "demo_categ_apparel"),
    ("demo_categ_electronics", "Electronics accessories", "电子配件", None),
    ("demo_categ_office", "Office supplies", "办公用品", None),
    ("demo_categ_tea", "Tea", "茶叶", None),
    ("demo_categ_home", "Home", "家居", None),
    ("demo_categ_services", "Services", "服务", None),
]

# (category, English name, Chinese name, unit, list price, type, specification)
PRODUCTS = [
    (
        "demo_categ_apparel_men",
        "Men's cotton T-shirt",
        "男士纯棉T恤",
        "uom_unit",
        "89.00",
        "stockable",
        "L / 白色",
    ),
    (
        "demo_categ_apparel_men",
        "Men's polo shirt",
        "男士POLO衫",
        "uom_unit",
        "159.00",
        "stockable",
        "XL / 藏青",
    ),
    (
        "demo_categ_apparel_men",
        "Men's down jacket",
        "男士羽绒服",
        "uom_unit",
        "699.00",
        "stockable",
        "XL / 黑色",
    ),
    (
        "demo_categ_apparel_men",
        "Men's business shirt",
        "男士商务衬衫",
        "uom_unit",
        "239.00",
        "stockable",
        "41 / 浅蓝",
    ),
    (
        "demo_categ_apparel_men",
        "Men's jeans",
        "男士牛仔裤",
        "uom_unit",
        "299.00",
        "stockable",
        "32 / 深蓝",
    ),
    (
        "demo_categ_apparel_women",
        "Women's silk scarf",
        "女士真丝围巾",
        "uom_unit",
        "328.00",
        "stockable",
        "90×90 cm",
    ),
    (
        "demo_categ_apparel_women",
        "Women's cashmere sweater",
        "女士羊绒衫",
        "uom_unit",
        "888.00",
        "stockable",
        "M / 驼色",
    ),
    (
        "demo_categ_apparel_women",
        "Women's qipao dress",
        "女士改良旗袍",
        "uom_unit",
        "1280.00",
        "stockable",
        "M / 红色",
    ),
    (
        "demo_categ_apparel_women",
        "Women's trench coat",
        "女士风衣",
        "uom_unit",
        "799.00",
        "stockable",
        "S / 卡其",
    ),
    (
        "demo_categ_apparel_women",
        "Cotton socks (dozen)",
        "纯棉袜子",
        "uom_dozen",
        "120.00",
        "stockable",
        "均码",
    ),
    (
        "demo_categ_electronics",
        "USB-C charging cable 1 m",
        "USB-C 充电线 1米",
        "uom_unit",
        "29.90",
        "stockable",
        "1 m / 3 A",
    ),
    (
        "demo_categ_electronics",
        "65 W GaN charger",
        "65W 氮化镓充电器",
        "uom_unit",
        "149.00",
        "stockable",
        "65 W",
    ),
    (
        "demo_categ_electronics",
        "Power bank 10000 mAh",
        "充电宝 10000mAh",
        "uom_unit",
        "129.00",
        "stockable",
        "10000 mAh",
    ),
    (
        "demo_categ_electronics",
        "Bluetooth earbuds",
        "蓝牙耳机",
        "uom_unit",
        "299.00",
        "stockable",
        "BT 5.3",
    ),
    (
        "demo_categ_electronics",
        "Wireless mouse",
        "无线鼠标",
        "uom_unit",
        "79.00",
        "stockable",
        "2.4 GHz",
    ),
    (
        "demo_categ_electronics",
        "Mechanical keyboard",
        "机械键盘",
        "uom_unit",
        "399.00",
        "stockable",
        "87 键 / 红轴",
    ),
    (
        "demo_categ_electronics",
        "Phone case",
        "手机保护壳",
        "uom_unit",
        "39.00",
        "stockable",
        "硅胶",
    ),
    (
        "demo_categ_electronics",
        "Screen protector (pack of 2)",
        "钢化膜（2片装）",
        "uom_unit",
        "25.00",
        "stockable",
        "9H",
    ),
    (
        "demo_categ_electronics",
        "HDMI cable 2 m",
        "HDMI 线 2米",
        "uom_unit",
        "35.00",
        "stockable",
        "4K",
    ),
    (
        "demo_categ_electronics",
        "Laptop stand",
        "笔记本支架",
        "uom_unit",
        "119.00",
        "stockable",
        "铝合金",
    ),
    (
        "demo_categ_office",
        "A4 copy paper (box)",
        "A4 复印纸（箱）",
        "uom_unit",
        "145.00",
        "stockable",
        "70 g / 5 包",
    ),
    (
        "demo_categ_office",
        "Gel pen 0.5 mm (dozen)",
        "中性笔 0.5mm",
        "uom_dozen",
        "24.00",
        "stockable",
        "黑色",
    ),
    ("demo_categ_office", "Stapler", "订书机", "uom_unit", "18.50", "stockable", "24/6"),
    (
        "demo_categ_office",
        "Lever arch file",
        "文件夹",
        "uom_unit",
        "12.80",
        "stockable",
        "A4 / 75 mm",
    ),
    ("demo_categ_office", "Sticky notes", "便利贴", "uom_unit", "6.50", "stockable", "76×76 mm"),
    (
        "demo_categ_office",
        "Whiteboard marker set",
        "白板笔套装",
        "uom_unit",
        "22.00",
        "stockable",
        "4 色",
    ),
    (
        "demo_categ_office",
        "Desk calculator",
        "桌面计算器",
        "uom_unit",
        "58.00",
        "stockable",
        "12 位",
    ),
    ("demo_categ_office", "Notebook A5", "A5 笔记本", "uom_unit", "15.00", "stockable", "80 页"),
    (
        "demo_categ_office",
        "Printer toner cartridge",
        "打印机硒鼓",
        "uom_unit",
        "268.00",
        "consumable",
        "CF226A",
    ),
    (
        "demo_categ_office",
        "Packing tape",
        "封箱胶带",
        "uom_unit",
        "8.00",
        "consumable",
        "48 mm × 100 m",
    ),
    (
        "demo_categ_tea",
        "West Lake Longjing 250 g",
        "西湖龙井 250克",
        "uom_unit",
        "368.00",
        "stockable",
        "明前 / 特级",
    ),
    (
        "demo_categ_tea",
        "Anxi Tieguanyin 500 g",
        "安溪铁观音 500克",
        "uom_unit",
        "258.00",
        "stockable",
        "清香型",
    ),
    (
        "demo_categ_tea",
        "Pu'er tea cake 357 g",
        "普洱茶饼 357克",
        "uom_unit",
        "198.00",
        "stockable",
        "熟茶 / 2019",
    ),
    (
        "demo_categ_tea",
        "Wuyi rock tea 250 g",
        "武夷岩茶 250克",
        "uom_unit",
        "428.00",
        "stockable",
        "大红袍",
    ),
    (
        "demo_categ_tea",
        "Jasmine green tea (bulk)",
        "茉莉花茶（散装）",
        "uom_kg",
        "160.00",
        "stockable",
        "散装",
    ),
    (
        "demo_categ_tea",
        "Keemun black tea 200 g",
        "祁门红茶 200克",
        "uom_unit",
        "188.00",
        "stockable",
        "一级",
    ),
    (
        "demo_categ_tea",
        "Bai Mudan white tea 300 g",
        "白牡丹白茶 300克",
        "uom_unit",
        "238.00",
        "stockable",
        "2021",
    ),
    (
        "demo_categ_tea",
        "Porcelain tea set",
        "青花瓷茶具套装",
        "uom_unit",
        "588.00",
        "stockable",
        "1 壶 6 杯",
    ),
    (
        "demo_categ_home",
        "Bamboo cutting board",
        "竹砧板",
        "uom_unit",
        "69.00",
        "stockable",
        "40×28 cm",
    ),
    (
        "demo_categ_home",
        "Silk pillowcase",
        "真丝枕套",
        "uom_unit",
        "199.00",
        "stockable",
        "48×74 cm",
    ),
    (
        "demo_categ_home",
        "Stainless steel thermos",
        "不锈钢保温杯",
        "uom_unit",
        "99.00",
        "stockable",
        "500 mL",
    ),
    ("demo_categ_home", "Aroma diffuser", "香薰机", "uom_unit", "159.00", "stockable", "300 mL"),
    (
        "demo_categ_home",
        "Cotton bath towel",
        "纯棉浴巾",
        "uom_unit",
        "79.00",
        "stockable",
        "70×140 cm",
    ),
    (
        "demo_categ_home",
        "Ceramic bowl set",
        "陶瓷碗套装",
        "uom_unit",
        "129.00",
        "stockable",
        "6 只装",
    ),
    ("demo_categ_home", "LED desk lamp", "LED 台灯", "uom_unit", "189.00", "stockable", "三档调光"),
    ("demo_categ_home", "Storage box", "收纳箱", "uom_unit", "45.00", "stockable", "30 L"),
    (
        "demo_categ_services",
        "Installation service",
        "上门安装服务",
        "uom_hour",
        "200.00",
        "service",
        "",
    ),
    ("demo_categ_services", "Express delivery", "加急配送", "uom_unit", "50.00", "service", ""),
    (
        "demo_categ_services",
        "Custom embroidery",
        "定制刺绣",
        "uom_unit",
        "30.00",
        "service",
        "每件",
    ),
    ("demo_categ_services", "Gift wrapping", "礼品包装", "uom_unit", "15.00", "service", ""),
]

CODE_PREFIX = {
    "demo_categ_apparel_men": "APM",
    "demo_categ_apparel_women": "APW",
    "demo_categ_electronics": "ELC",
    "demo_categ_office": "OFF",
    "demo_categ_tea": "TEA",
    "demo_categ_home": "HOM",
    "demo_categ_services": "SVC",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]


def load(env: Env) -> None:
    """Create or refresh the demo master data (idempotent)."""
    rng = random.Random(20260101)
    ids: dict[str, int] = {}

    def put(name: str, model: str, values: dict[str, Any]) -> Any:
        record = upsert(env, ADDON, name, model, values, demo=True)
        ids[name] = record.id
        return record

    def ref(name: str) -> int:
        if name not in ids:
            ids[name] = env.ref(f"{ADDON}.{name}").id
        return ids[name]

    salesperson = _admin_id(env)
    for xmlid, name, code in GROUPS:
        put(xmlid, "res.partner.group", {"name": name, "code": code})
    for xmlid, name in TAGS:
        put(xmlid, "res.partner.tag", {"name": name})
    terms = ["term_immediate", "term_15", "term_30", "term_60", "term_eom_30"]
    groups = [g[0] for g in GROUPS]

    customers = [
        {
            "name": name,
            "city": city,
            "street": street,
            "zip": zip_code,
            "state_id": ref(region),
            "country_id": ref("country_cn"),
            "lang": "zh_CN",
        }
        for name, city, region, street, zip_code in CHINESE_CUSTOMERS
    ]
    customers += [
        {
            "name": name,
            "city": city,
            "street": street,
            "zip": zip_code,
            "country_id": ref(country),
            "lang": lang,
        }
        for name, city, country, street, zip_code, lang in FOREIGN_CUSTOMERS
    ]
    for index, values in enumerate(customers, start=1):
        key = f"demo_customer_{index:02d}"
        foreign = values["lang"] == "en"
        group = groups[index % 3] if not foreign else "demo_group_distributor"
        limit = Decimal(rng.choice([0, 50_000, 100_000, 200_000, 500_000, 1_000_000]))
        customer = put(
            key,
            "res.partner",
            {
                **values,
                "is_company": True,
                "is_customer": True,
                "ref": f"C{index:04d}",
                "email": f"orders{index:02d}@example.{'com' if foreign else 'cn'}",
                "phone": _phone(rng, foreign),
                "tax_id": "" if foreign else _credit_code(rng),
                "credit_limit": limit,
                "payment_term_id": ref(rng.choice(terms)),
                "customer_group_id": ref(group),
                "salesperson_id": salesperson,
            },
        )
        contact_name = (
            _person(rng)
            if not foreign
            else rng.choice(
                ["Anna Schmidt", "John Lee", "Yuki Tanaka", "Mei Tan", "Oliver Brown", "Emily Chen"]
            )
        )
        put(
            f"demo_contact_{index:02d}",
            "res.partner",
            {
                "name": contact_name,
                "is_company": False,
                "type": "contact",
                "parent_id": customer.id,
                "mobile": _phone(rng, foreign, mobile=True),
                "email": f"buyer{index:02d}@example.{'com' if foreign else 'cn'}",
                "lang": values["lang"],
            },
        )
        for n in range(1, (index % 3) + 1):  # 1 to 3 delivery addresses
            put(
                f"demo_delivery_{index:02d}_{n}",
                "res.partner",
                {
                    "name": f"{values['name']} {'仓库' if not foreign else 'Warehouse'} {n}",
                    "is_company": False,
                    "type": "delivery",
                    "parent_id": customer.id,
                    "street": values["street"] if n == 1 else f"{values['street']} B{n}",
                    "city": values["city"],
                    "zip": values["zip"],
                    "state_id": values.get("state_id"),
                    "country_id": values["country_id"],
                    "lang": values["lang"],
                },
            )
        if index % 5 == 0:
            _tag(env, customer.id, ref("demo_tag_vip"), f"demo_tag_rel_{index:02d}")
    for index, (name, city, region, street) in enumerate(SUPPLIERS, start=1):
        put(
            f"demo_supplier_{index:02d}",
            "res.partner",
            {
                "name": name,
                "city": city,
                "street": street,
                "state_id": ref(region),
                "country_id": ref("country_cn"),
                "is_company": True,
                "is_supplier": True,
                "ref": f"S{index:04d}",
                "email": f"sales{index:02d}@supplier.example.cn",
                "phone": _phone(rng, False),
                "tax_id": _credit_code(rng),
                "payment_term_id": ref("term_30"),
                "lang": "zh_CN",
            },
        )

    for xmlid, name, name_zh, parent in CATEGORIES:
        put(
            xmlid,
            "product.category",
            {"name": name, "name_zh": name_zh, "parent_id": ref(parent) if parent else None},
        )
    counters: dict[str, int] = {}
    for index, (categ, name, name_zh, uom, price, ptype, spec) in enumerate(PRODUCTS, start=1):
        prefix = CODE_PREFIX[categ]
        counters[prefix] = counters.get(prefix, 0) + 1
        list_price = Decimal(price)
        margin = Decimal(rng.choice([45, 50, 55, 60, 65, 70])) / 100
        cost = (list_price * margin).quantize(Decimal("0.01"))
        service = ptype == "service"
        sale_tax = "vat_6_sale" if service else ("vat_9_sale" if index % 17 == 0 else "vat_13_sale")
        purchase_tax = "vat_6_purchase" if service else "vat_13_purchase"
        body = f"690{rng.randrange(10**8, 10**9):09d}"
        put(
            f"demo_product_{index:02d}",
            "product.product",
            {
                "default_code": f"{prefix}-{counters[prefix]:03d}",
                "name": name,
                "name_zh": name_zh,
                "category_id": ref(categ),
                "type": ptype,
                "uom_id": ref(uom),
                "list_price": list_price,
                "standard_price": cost,
                "sale_tax_id": ref(sale_tax),
                "purchase_tax_id": ref(purchase_tax),
                "barcode": None if service else body + ean13_check_digit(body),
                "weight": Decimal(0) if service else Decimal(rng.randrange(5, 300)) / 100,
                "specification": spec,
                "purchase_ok": not service,
            },
        )
    env.session.flush()


def _admin_id(env: Env) -> int | None:
    User = env["res.user"]
    return env.session.scalar(
        select(User.id).where(User.is_superuser.is_(True)).order_by(User.id).limit(1)
    )


def _tag(env: Env, partner_id: int, tag_id: int, name: str) -> None:
    upsert(
        env,
        ADDON,
        name,
        "res.partner.tag.rel",
        {"partner_id": partner_id, "tag_id": tag_id},
        demo=True,
    )


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _phone(rng: random.Random, foreign: bool, *, mobile: bool = False) -> str:
    if foreign:
        return f"+{rng.choice([1, 44, 49, 65, 81, 852])} {rng.randrange(10**7, 10**8)}"
    if mobile:
        return f"1{rng.choice([3, 5, 8])}{rng.randrange(10**8, 10**9)}"
    return f"0{rng.choice([10, 20, 21, 571, 755])}-{rng.randrange(10**7, 10**8)}"


def _credit_code(rng: random.Random) -> str:
    """A plausible 18-character unified social credit code (统一社会信用代码), not a real one."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91" + "".join(rng.choice(alphabet) for _ in range(16))
