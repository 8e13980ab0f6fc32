"""The base demo world built by `manage.py seed_demo`. Everything here is invented except the
names of public bodies (the ministry, 上海市经济和信息化委员会 and the 16 district departments of
000 附件5 — department names only, no personal names or phone numbers)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from apps.clusters import services as cluster_services
from apps.clusters.models import Cluster, ClusterStatus, MajorChange, MajorChangeKind
from apps.orgs import services as org_services
from apps.orgs.models import Assignment, Organisation, OrgKind, ProvincialType, Role, User

from .demo import DEMO_PASSWORD, DemoLogin, DemoWorld

MINISTRY = "工业和信息化部"
SHANGHAI = "上海市经济和信息化委员会"
ZHEJIANG = "浙江省经济和信息化厅"

# 000 附件5: the 16 district departments (name, region name).
SHANGHAI_DISTRICTS = [
    ("浦东新区科经委", "浦东新区"),
    ("黄浦区商务委", "黄浦区"),
    ("静安区科经委", "静安区"),
    ("徐汇区新工办", "徐汇区"),
    ("长宁区商务委", "长宁区"),
    ("普陀区商务委", "普陀区"),
    ("虹口区科经委", "虹口区"),
    ("杨浦区科经委", "杨浦区"),
    ("宝山区经委", "宝山区"),
    ("闵行区经委", "闵行区"),
    ("嘉定区经委", "嘉定区"),
    ("金山区经委", "金山区"),
    ("松江区经委", "松江区"),
    ("青浦区经委", "青浦区"),
    ("奉贤区经委", "奉贤区"),
    ("崇明区经委", "崇明区"),
]

# Invented clusters: (key, region, middle of the name, domain, leading industry, km², operator,
# recognition history [(level, batch year, doc no, status)]).
M, N = "municipal", "national"
R, RR, EX, RV = "recognised", "under_rereview", "expired", "revoked"  # ClusterStatus values
SHANGHAI_CLUSTERS: list[tuple[str, str, str, str, str, str, str, list[tuple[str, int, str, str]]]] = [
    (
        "pd_ic",
        "浦东新区",
        "集成电路设计",
        "integrated_circuits",
        "集成电路设计与IP",
        "9.80",
        "张江芯港园区运营有限公司",
        [(M, 2022, "沪经信企〔2022〕212号", RR), (N, 2023, "工信部企业函〔2023〕301号", R)],
    ),
    (
        "pd_bio",
        "浦东新区",
        "生物医药创新",
        "biomedicine",
        "创新药与CXO服务",
        "12.40",
        "浦东生命科学园管理有限公司",
        [(M, 2023, "沪经信企〔2023〕188号", R)],
    ),
    (
        "pd_aero",
        "浦东新区",
        "民用航空配套",
        "high_end_equipment",
        "航空零部件与机载系统",
        "18.60",
        "临港航空产业园运营中心",
        [(M, 2024, "沪经信企〔2024〕156号", R)],
    ),
    (
        "pd_ai",
        "浦东新区",
        "智能算力",
        "artificial_intelligence",
        "算力服务与大模型应用",
        "3.20",
        "浦东智算园区服务有限公司",
        [],
    ),
    (
        "hp_fashion",
        "黄浦区",
        "时尚设计",
        "fashion_consumer",
        "服装服饰设计与品牌运营",
        "1.60",
        "黄浦时尚创意园管理中心",
        [(M, 2023, "沪经信企〔2023〕189号", R)],
    ),
    ("hp_fin", "黄浦区", "金融科技服务", "digital_economy", "金融信息技术服务", "0.90", "外滩数字金融服务中心", []),
    (
        "ja_data",
        "静安区",
        "数据智能",
        "digital_economy",
        "数据要素流通与服务",
        "2.10",
        "静安市北数智园区运营有限公司",
        [(M, 2022, "沪经信企〔2022〕213号", RV)],
    ),
    (
        "ja_media",
        "静安区",
        "数字内容",
        "metaverse",
        "数字内容与虚拟现实",
        "1.40",
        "苏河湾数字内容园管理公司",
        [(M, 2025, "沪经信企〔2025〕97号", R)],
    ),
    (
        "xh_ai",
        "徐汇区",
        "人工智能应用",
        "artificial_intelligence",
        "人工智能软硬件与行业应用",
        "4.50",
        "徐汇滨江人工智能园区运营公司",
        [(M, 2022, "沪经信企〔2022〕214号", R), (N, 2024, "工信部企业函〔2024〕266号", R)],
    ),
    (
        "xh_med",
        "徐汇区",
        "医疗器械",
        "life_health",
        "高端医疗器械",
        "2.80",
        "漕河泾医疗器械产业园服务中心",
        [(M, 2024, "沪经信企〔2024〕157号", R)],
    ),
    (
        "cn_aviation",
        "长宁区",
        "航空服务",
        "other",
        "航空运输服务与数字航旅",
        "3.60",
        "虹桥临空经济园区运营有限公司",
        [(M, 2023, "沪经信企〔2023〕190号", R)],
    ),
    ("cn_fashion", "长宁区", "时尚消费", "fashion_consumer", "时尚消费品牌与电商", "1.20", "长宁时尚园区管理公司", []),
    (
        "pt_robot",
        "普陀区",
        "智能机器人",
        "high_end_equipment",
        "服务机器人与核心部件",
        "2.40",
        "桃浦智创城运营有限公司",
        [(M, 2024, "沪经信企〔2024〕158号", R)],
    ),
    (
        "pt_mat",
        "普陀区",
        "先进高分子材料",
        "advanced_materials",
        "高分子功能材料",
        "3.10",
        "真如先进材料园区服务中心",
        [],
    ),
    (
        "hk_ship",
        "虹口区",
        "航运服务",
        "other",
        "航运金融与航运信息服务",
        "1.90",
        "北外滩航运服务园运营公司",
        [(M, 2025, "沪经信企〔2025〕98号", R)],
    ),
    (
        "yp_soft",
        "杨浦区",
        "在线新经济",
        "digital_economy",
        "工业软件与在线新经济",
        "2.60",
        "杨浦滨江数字园区管理有限公司",
        [(M, 2022, "沪经信企〔2022〕215号", RR)],
    ),
    ("yp_health", "杨浦区", "未来健康", "future_health", "基因与细胞治疗", "1.70", "杨浦科创健康园运营中心", []),
    (
        "bs_steel",
        "宝山区",
        "新材料",
        "advanced_materials",
        "先进钢铁材料与碳纤维",
        "26.50",
        "宝山新材料产业园运营有限公司",
        [(M, 2022, "沪经信企〔2022〕216号", R), (N, 2022, "工信部企业函〔2022〕318号", RR)],
    ),
    (
        "bs_robot",
        "宝山区",
        "机器人及智能制造",
        "high_end_equipment",
        "工业机器人与智能装备",
        "14.30",
        "宝山机器人产业园服务公司",
        [(M, 2024, "沪经信企〔2024〕159号", R)],
    ),
    (
        "mh_aero",
        "闵行区",
        "航空航天",
        "future_space",
        "卫星互联网与航天配套",
        "11.20",
        "闵行航天城园区运营有限公司",
        [(M, 2023, "沪经信企〔2023〕191号", R)],
    ),
    ("mh_hydrogen", "闵行区", "氢能装备", "future_energy", "燃料电池与氢能装备", "6.70", "闵行氢能产业园管理中心", []),
    (
        "mh_bio",
        "闵行区",
        "生物制药",
        "biomedicine",
        "生物药与高端制剂",
        "8.80",
        "闵行生物医药园区发展公司",
        [(M, 2025, "沪经信企〔2025〕99号", R)],
    ),
    (
        "jd_sensor",
        "嘉定区",
        "智能传感器",
        "electronic_information",
        "MEMS 与智能传感器",
        "7.50",
        "嘉定智能传感器园区运营有限公司",
        [(M, 2022, "沪经信企〔2022〕217号", R), (N, 2023, "工信部企业函〔2023〕302号", R)],
    ),
    (
        "jd_nev",
        "嘉定区",
        "智能网联汽车",
        "automotive",
        "新能源与智能网联汽车零部件",
        "32.00",
        "嘉定汽车产业园运营中心",
        [(M, 2023, "沪经信企〔2023〕192号", R)],
    ),
    (
        "jd_lidar",
        "嘉定区",
        "激光雷达",
        "smart_terminals",
        "车载激光雷达与光电器件",
        "4.10",
        "嘉定光电园区服务有限公司",
        [],
    ),
    (
        "js_chem",
        "金山区",
        "绿色化工新材料",
        "green_low_carbon",
        "精细化工与绿色新材料",
        "28.70",
        "金山化工新材料园区运营有限公司",
        [(M, 2022, "沪经信企〔2022〕218号", EX)],
    ),
    (
        "js_uav",
        "金山区",
        "无人机",
        "future_intelligence",
        "工业级无人机与低空经济",
        "5.30",
        "金山低空经济产业园服务中心",
        [(M, 2025, "沪经信企〔2025〕100号", R)],
    ),
    (
        "sj_ic",
        "松江区",
        "集成电路装备",
        "integrated_circuits",
        "半导体装备与零部件",
        "9.40",
        "松江G60集成电路装备园运营公司",
        [(M, 2023, "沪经信企〔2023〕193号", R)],
    ),
    (
        "sj_satellite",
        "松江区",
        "卫星互联网",
        "future_space",
        "卫星制造与应用",
        "6.20",
        "松江卫星互联网产业园管理公司",
        [(M, 2024, "沪经信企〔2024〕160号", R)],
    ),
    (
        "sj_screen",
        "松江区",
        "新型显示",
        "electronic_information",
        "新型显示模组与终端",
        "4.90",
        "松江新型显示园区服务中心",
        [],
    ),
    (
        "qp_bd",
        "青浦区",
        "北斗导航",
        "electronic_information",
        "北斗导航与位置服务",
        "3.30",
        "青浦北斗产业园运营有限公司",
        [(M, 2022, "沪经信企〔2022〕219号", RR)],
    ),
    (
        "qp_logistics",
        "青浦区",
        "智慧物流装备",
        "high_end_equipment",
        "物流装备与智能仓储",
        "10.60",
        "青浦智慧物流园区管理公司",
        [(M, 2025, "沪经信企〔2025〕101号", R)],
    ),
    (
        "fx_beauty",
        "奉贤区",
        "美丽健康",
        "life_health",
        "化妆品与美丽健康产品",
        "12.80",
        "奉贤东方美谷园区运营有限公司",
        [(M, 2022, "沪经信企〔2022〕220号", R), (N, 2024, "工信部企业函〔2024〕267号", R)],
    ),
    (
        "fx_battery",
        "奉贤区",
        "新能源储能",
        "future_energy",
        "储能电池与电源管理",
        "7.60",
        "奉贤新能源产业园服务中心",
        [],
    ),
    (
        "cm_agri",
        "崇明区",
        "智慧农业装备",
        "other",
        "智慧农机与农业物联网",
        "15.40",
        "崇明智慧农业园区运营公司",
        [(M, 2024, "沪经信企〔2024〕161号", R)],
    ),
    (
        "cm_ship",
        "崇明区",
        "海洋装备",
        "high_end_equipment",
        "船舶与海洋工程配套",
        "22.10",
        "长兴岛海洋装备园区管理有限公司",
        [(M, 2023, "沪经信企〔2023〕194号", R)],
    ),
    (
        "pd_bigdata",
        "浦东新区",
        "工业互联网",
        "digital_economy",
        "工业互联网平台与服务",
        "2.20",
        "金桥工业互联网园区运营有限公司",
        [(M, 2025, "沪经信企〔2025〕102号", R)],
    ),
    ("xh_chip", "徐汇区", "智能芯片", "integrated_circuits", "AI 芯片设计", "1.30", "徐汇智能芯片创新园管理公司", []),
]

TERTIARY = frozenset({"hp_fin", "cn_aviation", "hk_ship", "yp_soft", "ja_data", "ja_media", "pd_bigdata"})

ZJ_CITIES = [
    (
        "杭州市经济和信息化局",
        "杭州市",
        [("杭州市西湖区经济和信息化局", "西湖区"), ("杭州市余杭区经济和信息化局", "余杭区")],
    ),
    ("宁波市经济和信息化局", "宁波市", [("宁波市北仑区经济和信息化局", "北仑区")]),
]
ZJ_CLUSTERS = [
    (
        "zj_xihu",
        "西湖区",
        "数字安防",
        "electronic_information",
        "视频安防与智能感知",
        "6.10",
        "西湖数字安防园区运营公司",
        [(M, 2023, "浙经信企〔2023〕41号", R)],
    ),
    (
        "zj_yuhang",
        "余杭区",
        "智能装备",
        "high_end_equipment",
        "智能装备与工业母机",
        "13.20",
        "余杭智能装备产业园服务公司",
        [],
    ),
    (
        "zj_beilun",
        "北仑区",
        "模具",
        "high_end_equipment",
        "精密模具与压铸",
        "19.50",
        "北仑模具产业园管理中心",
        [(M, 2024, "浙经信企〔2024〕57号", R)],
    ),
    (
        "zj_beilun2",
        "北仑区",
        "汽车零部件",
        "automotive",
        "汽车轻量化零部件",
        "21.00",
        "北仑汽车零部件园运营有限公司",
        [],
    ),
]


def _org(name: str, kind: str, parent: Organisation | None, **extra: str) -> Organisation:
    existing = Organisation.objects.filter(name=name, parent=parent).first()
    if existing:
        return existing
    return org_services.organisation_create(actor=None, name=name, kind=kind, parent=parent, is_demo=True, **extra)


def _user(
    world: DemoWorld, key: str, username: str, org: Organisation, roles: set[str], label: str, **extra: str
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user, _ = org_services.user_create(
            actor=None,
            username=username,
            organisation=org,
            roles=roles,
            password=DEMO_PASSWORD,
            display_name=label,
            must_change_password=False,
        )
    for attr, value in extra.items():
        setattr(user, attr, value)
    if extra:
        user.save()
    world.users[key] = user
    world.logins.append(DemoLogin(username=username, role="、".join(user.role_labels()), organisation=org.name))
    return user


def _cluster(world: DemoWorld, row: tuple, district: Organisation, prefix: str) -> None:
    key, _region, middle, domain, industry, area, operator_name, history = row
    name = f"{prefix}{middle}产业集群"
    existing = Cluster.objects.filter(name=name).first()
    if existing:
        world.clusters[key] = existing
        return
    operator = _org(operator_name, OrgKind.OPERATOR, district)
    industry_type = "tertiary" if key in TERTIARY else "secondary"
    cluster = cluster_services.cluster_create(
        actor=None,
        name=name,
        short_name=f"{district.region_name}{middle}集群",
        district=district,
        operator=operator,
        leading_industry=industry,
        domain=domain,
        domain_other=industry if domain == "other" else "",
        industry_type=industry_type,
        area_km2=Decimal(area),
        core_parks=f"{operator_name.replace('运营有限公司', '').replace('管理有限公司', '')}核心区（演示）",
        description=f"演示数据：以{industry}为主导产业的中小企业特色产业集群。",
        is_demo=True,
    )
    for level, year, doc, status in history:
        rec = cluster_services.recognition_add(
            actor=None,
            cluster=cluster,
            level=level,
            batch_year=year,
            valid_from=date(year, 9, 1),
            document_number=doc,
        )
        if status == ClusterStatus.RECOGNISED and rec.valid_to < timezone.localdate():
            status = ClusterStatus.UNDER_REREVIEW  # the batch's three years are over: 复核
        if status != ClusterStatus.RECOGNISED:
            reasons = {
                ClusterStatus.UNDER_REREVIEW: "三年有效期届满，已提交复核申请（演示）",
                ClusterStatus.EXPIRED: "有效期满未申请复核（管理办法第十九条（一），演示）",
                ClusterStatus.REVOKED: "未及时报送年度发展情况报告（管理办法第十九条（三），演示）",
            }
            cluster_services.recognition_set_status(actor=None, recognition=rec, status=status, reason=reasons[status])
    world.clusters[key] = cluster


@transaction.atomic
def build_world() -> DemoWorld:
    world = DemoWorld()
    ministry = _org(MINISTRY, OrgKind.MINISTRY, None, short_name="工信部")
    shanghai = _org(
        SHANGHAI,
        OrgKind.PROVINCE,
        ministry,
        short_name="市经济信息化委",
        provincial_type=ProvincialType.MUNICIPALITY,
        region_name="上海市",
    )
    world.orgs.update(ministry=ministry, shanghai=shanghai)
    districts = {}
    for name, region in SHANGHAI_DISTRICTS:
        districts[region] = _org(name, OrgKind.DISTRICT, shanghai, region_name=region)
    for row in SHANGHAI_CLUSTERS:
        _cluster(world, row, districts[row[1]], f"上海市{row[1]}")
    zhejiang = _org(ZHEJIANG, OrgKind.PROVINCE, ministry, provincial_type=ProvincialType.PROVINCE, region_name="浙江省")
    world.orgs["zhejiang"] = zhejiang
    zj_districts = {}
    for city_name, city_region, ds in ZJ_CITIES:
        city = _org(city_name, OrgKind.CITY, zhejiang, region_name=city_region)
        for d_name, d_region in ds:
            zj_districts[d_region] = (_org(d_name, OrgKind.DISTRICT, city, region_name=d_region), city_region)
    for row in ZJ_CLUSTERS:
        district, city_region = zj_districts[row[1]]
        _cluster(world, row, district, f"浙江省{city_region}{row[1]}")
    expert_pool = _org("上海市中小企业特色产业集群评审专家库", OrgKind.EXPERT_POOL, shanghai)
    evaluator_org = _org("演示第三方评价机构（虚构）", OrgKind.EVALUATOR, shanghai)
    world.orgs.update(
        pudong=districts["浦东新区"], jiading=districts["嘉定区"], expert_pool=expert_pool, evaluator=evaluator_org
    )
    pd_ic = world.clusters["pd_ic"]

    _user(world, "ministry", "demo_ministry", ministry, {Role.MINISTRY_STAFF}, "部级演示账号")
    _user(
        world,
        "city_admin",
        "demo_city_admin",
        shanghai,
        {Role.AUTHORITY_ADMIN, Role.AUTHORITY_STAFF},
        "市级管理员（演示）",
    )
    _user(world, "city_staff", "demo_city", shanghai, {Role.AUTHORITY_STAFF}, "市级工作人员（演示）")
    _user(world, "district", "demo_pudong", districts["浦东新区"], {Role.DISTRICT_REVIEWER}, "浦东新区审核（演示）")
    _user(world, "district_jd", "demo_jiading", districts["嘉定区"], {Role.DISTRICT_REVIEWER}, "嘉定区审核（演示）")
    _user(world, "operator", "demo_operator", pd_ic.operator, {Role.OPERATOR_STAFF}, "张江芯港填报（演示）")
    specialties = [
        ["integrated_circuits", "electronic_information"],
        ["biomedicine", "life_health"],
        ["high_end_equipment"],
    ]
    for i, spec in enumerate(specialties, start=1):
        _user(world, f"expert{i}", f"demo_expert{i}", expert_pool, {Role.EXPERT}, f"评审专家{i}（演示）")
        world.users[f"expert{i}"].specialties = spec
        world.users[f"expert{i}"].save(update_fields=["specialties"])
    _user(world, "evaluator", "demo_evaluator", evaluator_org, {Role.EVALUATOR}, "第三方评价人员（演示）")
    _user(
        world,
        "zj_admin",
        "demo_zj_admin",
        zhejiang,
        {Role.AUTHORITY_ADMIN, Role.AUTHORITY_STAFF},
        "浙江省管理员（演示）",
    )
    sysadmin = _user(world, "sysadmin", "demo_sysadmin", ministry, {Role.SYSTEM_ADMIN}, "系统管理员（演示）")
    if not sysadmin.is_superuser:
        sysadmin.is_staff = sysadmin.is_superuser = True
        sysadmin.save(update_fields=["is_staff", "is_superuser"])

    # Experts and the evaluator see only what is assigned to them.
    ct = ContentType.objects.get_for_model(Cluster)
    for key, clusters in {"expert1": ["pd_ic", "jd_sensor"], "evaluator": ["pd_bio"]}.items():
        for ck in clusters:
            Assignment.objects.get_or_create(user=world.users[key], content_type=ct, object_id=world.clusters[ck].pk)

    # Major changes: two awaiting the Pudong district, one already confirmed in Jiading.
    if not MajorChange.objects.filter(cluster__is_demo=True).exists():
        today = timezone.localdate()
        operator = world.users["operator"]
        cluster_services.major_change_report(
            actor=operator,
            cluster=pd_ic,
            kind=MajorChangeKind.SPATIAL_SCOPE,
            after="张江科学城集成电路设计园及张江南区（演示）",
            reason="新增张江南区载体，空间范围扩大约 1.2 平方公里（演示）",
            effective_date=today - timedelta(days=20),
        )
        cluster_services.major_change_report(
            actor=operator,
            cluster=pd_ic,
            kind=MajorChangeKind.LEADING_INDUSTRY,
            after="集成电路设计与 EDA 工具",
            reason="主导产业细分领域扩展至 EDA 工具（演示）",
            effective_date=today - timedelta(days=5),
        )
    return world


def delete_world() -> None:
    """Remove every demo row of the base world (seeders' resetters have already run)."""
    demo_orgs = Organisation.objects.filter(is_demo=True)
    Assignment.objects.filter(user__organisation__in=demo_orgs).delete()
    MajorChange.objects.filter(cluster__is_demo=True).delete()
    Cluster.objects.filter(is_demo=True).delete()
    User.objects.filter(organisation__in=demo_orgs).delete()
    for org in sorted(demo_orgs, key=lambda o: -o.path.count("/")):
        org.delete()
