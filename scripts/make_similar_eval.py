# ruff: noqa: E501, E741 - hand-written data rows, one per line; L/O/H name the tiers
"""Write the 同案同罚 evaluation set (data/similar-eval/) from the hand-written parts below.

Every fact sentence, title and circumstance here was written by hand for this set (no text
comes from a real decision); the boilerplate of a decision around them (party, evidence,
事先告知, reasoning, rights) is assembled from a few variants with a seeded generator, so the
files are reproducible: ``.venv/bin/python scripts/make_similar_eval.py``. The grades of the
queries follow from the 违法行为 and 阶次 written beside each text, by the rule in
data/similar-eval/README.md.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "similar-eval"

GUIHUA = "中华人民共和国城乡规划法"
SHIRONG = "城市市容和环境卫生管理条例"
DAQI = "中华人民共和国大气污染防治法"
ZAOSHENG = "中华人民共和国噪声污染防治法"
WUZHAO = "无证无照经营查处办法"
SHIPIN = "中华人民共和国食品安全法"

# code: (name, 违法依据, 处罚依据, what is ordered besides the fine)
VIOLATIONS = {
    "CG-01": ("未取得建设工程规划许可证进行建设", [(GUIHUA, 40)], [(GUIHUA, 64)],
              "责令停止建设、限期拆除"),
    "CG-02": ("擅自占用城市道路、公共场地经营", [(SHIRONG, 14)], [(SHIRONG, 36)],
              "责令立即停止违法行为、清理占道物品"),
    "CG-03": ("擅自在街道两侧和公共场地堆放物料", [(SHIRONG, 14)], [(SHIRONG, 36)],
              "责令限期清理"),
    "CG-04": ("擅自设置大型户外广告", [(SHIRONG, 11)], [(SHIRONG, 36)], "责令限期拆除"),
    "CG-05": ("运输散装货物未密闭造成泄漏遗撒", [(SHIRONG, 15)], [(SHIRONG, 34)],
              "责令立即清除污染"),
    "HB-06": ("餐饮服务业油烟未经净化排放", [(DAQI, 81)], [(DAQI, 118)],
              "责令改正"),
    "HB-07": ("商业经营活动中使用高音广播喇叭等产生噪声", [(ZAOSHENG, 64)], [(ZAOSHENG, 82)],
              "责令改正"),
    "SJ-08": ("未依法取得营业执照从事经营活动", [(WUZHAO, 2)], [(WUZHAO, 13)],
              "责令停止违法行为，没收违法所得"),
    "SJ-09": ("未取得食品经营许可从事食品经营活动", [(SHIPIN, 35)], [(SHIPIN, 122)],
              "没收违法所得和违法经营的食品"),
    "SJ-10": ("经营超过保质期的食品", [(SHIPIN, 34)], [(SHIPIN, 124)],
              "没收违法经营的食品和违法所得"),
}  # fmt: skip

L, O, H = "lighter", "ordinary", "heavier"

# (违法行为, 阶次, chose the 违法行为 from the 裁量基准, title, facts, circumstances, fine)
DECISIONS = [
    ("CG-01", L, True, "擅自搭建彩钢瓦棚屋",
     "在自家住宅后院未取得建设工程规划许可证，擅自搭建彩钢瓦结构棚屋一间，面积约12平方米，用于堆放杂物",
     ["违法建设面积较小", "立案后自行拆除"], 1200),
    ("CG-01", O, True, "楼顶平台违法加建房屋",
     "未办理规划许可手续，在某小区12号楼顶层平台加建砖混结构房屋两间，建筑面积约46平方米",
     [], 6800),
    ("CG-01", H, True, "未经许可建设钢结构厂房",
     "在城郊某地块未取得建设工程规划许可证建设钢结构厂房，建筑面积约620平方米，执法人员责令停止建设后仍继续施工",
     ["责令停止建设后继续施工", "建设规模较大"], 58000),
    ("CG-01", O, False, "违规扩建仓库",
     "在沿街商铺后侧违规扩建混凝土框架结构仓库，面积约80平方米，未取得建设工程规划许可证",
     [], 9500),
    ("CG-01", L, False, "阳台外挑搭建阳光房",
     "于住宅阳台外侧违规外挑搭建铝合金阳光房约6平方米，经告知后主动拆除恢复原状",
     ["主动拆除", "面积较小"], 800),
    ("CG-01", H, True, "楼顶违法加盖三层房屋",
     "在自有住宅楼顶违法加盖三层砖混结构房屋，建筑面积约310平方米，停工通知书送达后拒不停工，继续浇筑楼板",
     ["拒不停止建设", "建设规模较大"], 42000),
    ("CG-01", O, True, "院内新建辅助用房",
     "未经规划许可在院内新建一层砖木结构辅助用房，建筑面积约38平方米，用作仓储",
     [], 5200),
    ("CG-02", L, True, "人行道摆摊销售水果",
     "在城南菜市场入口处占用人行道摆摊销售水果，占道面积约2平方米，经劝导后当场收摊",
     ["首次被查处", "当场改正"], 100),
    ("CG-02", O, True, "夜市外侧占道经营烧烤",
     "在滨江路夜市外侧人行道摆放桌椅经营烧烤，占道面积约15平方米",
     [], 500),
    ("CG-02", H, True, "学校门口长期占道经营早点",
     "在学校门口人行道上长期设摊经营早点，经多次劝导、责令改正后仍每日占道经营，影响学生通行",
     ["多次责令改正仍不改正"], 2000),
    ("CG-02", O, False, "餐饮店超出门窗店外经营",
     "经营的某某餐饮店超出门窗店外经营，在店前公共人行道上摆放餐桌6张、凳子20余张",
     [], 600),
    ("CG-02", L, True, "三轮车流动占道叫卖",
     "驾驶三轮车在解放路路口流动叫卖蔬菜，占用机动车道约3平方米，经执法人员指出后立即驶离",
     ["当场改正"], 50),
    ("CG-02", O, True, "公交站台旁占道销售百货",
     "在建设路公交站台旁利用货架占道销售日用百货，占道面积约8平方米",
     [], 300),
    ("CG-02", H, False, "步行街入口反复占道经营",
     "在中山路步行街入口占道经营炒货，一年内因同一行为被处罚两次后再次占道，且拒不收摊",
     ["一年内再次违法", "拒不改正"], 1500),
    ("CG-03", O, True, "人行道堆放砂石",
     "未经市容环境卫生主管部门批准，在人民路西侧人行道上堆放建筑用砂石约20平方米",
     [], 1000),
    ("CG-03", L, True, "小区外人行道堆放装修材料",
     "装修房屋时在小区外人行道上临时堆放装修垃圾和瓷砖约4平方米，接到通知后当天清运完毕",
     ["当日清理完毕"], 300),
    ("CG-03", H, True, "绿化带旁长期堆放建材",
     "在滨江路绿化带旁堆放钢管、模板等建筑材料约150平方米达两个月，责令限期清理后逾期未清理",
     ["逾期未清理", "堆放面积较大"], 5000),
    ("CG-03", O, False, "店前公共场地堆放废品",
     "在解放路店铺门前公共场地堆放废旧纸箱和回收物品约15平方米，影响市容",
     [], 800),
    ("CG-03", L, False, "街道两侧堆放木材",
     "在街道两侧堆放木材约5平方米，立案后主动清理完毕",
     ["主动清理"], 200),
    ("CG-03", O, True, "路边堆放水泥砖块",
     "未经批准在建设路路边堆放水泥、砖块等物料约25平方米",
     [], 1200),
    ("CG-03", H, True, "人行道搭建工棚堆放建材",
     "在中山路人行道上擅自搭建临时工棚并堆放建材约90平方米，经责令改正拒不拆除清理",
     ["拒不改正"], 4500),
    ("CG-04", O, True, "商厦外墙擅设广告牌",
     "未经市容环境卫生主管部门同意，在某商厦外墙设置喷绘户外广告牌一块，面积约60平方米",
     [], 5000),
    ("CG-04", L, True, "楼顶擅设广告招牌",
     "在店铺楼顶擅自设置广告招牌约20平方米，立案后主动拆除",
     ["主动拆除"], 1000),
    ("CG-04", H, True, "主干道旁擅设单立柱广告",
     "在城市主干道路侧擅自设立单立柱广告牌，面积约180平方米，责令限期拆除后逾期未拆除",
     ["逾期不拆除", "面积较大"], 10000),
    ("CG-04", O, False, "楼体悬挂大型布幅广告",
     "擅自在沿街楼体外立面悬挂大型布幅广告，面积约45平方米",
     [], 3000),
    ("CG-04", H, False, "擅设大型电子广告屏",
     "在高速公路出口附近擅自设置大型LED户外广告屏约120平方米，经责令停止仍继续播放",
     ["拒不改正"], 8000),
    ("CG-04", L, True, "门楣上方增设灯箱广告",
     "在建设路一店铺门楣上方擅自增设灯箱广告约16平方米，检查时已着手拆除",
     ["及时改正"], 800),
    ("CG-04", O, True, "写字楼顶设置霓虹灯广告",
     "未经审批在中山路某写字楼楼顶设置霓虹灯户外广告约70平方米",
     [], 6000),
    ("CG-05", O, True, "渣土车未密闭造成遗撒",
     "驾驶重型自卸货车运输建筑渣土，车厢未密闭覆盖，沿滨江路行驶时造成渣土遗撒约30米",
     [], 2000),
    ("CG-05", L, True, "篷布未盖严少量洒落",
     "运输渣土的车辆篷布未盖严，在人民路口造成少量渣土洒落，驾驶员当即下车清扫干净",
     ["当场清理"], 500),
    ("CG-05", H, True, "夜间运输渣土大面积污染路面",
     "所属渣土运输车辆夜间运输未覆盖，造成建设路约300米路面大面积污染，系本年度第三次被查处",
     ["多次违法", "污染路面较长"], 5000),
    ("CG-05", O, False, "运输弃土沿途泄漏",
     "某运输公司车辆运输工程弃土时未采取密闭措施，沿途泄漏泥土污染路面约50米",
     [], 2000),
    ("CG-05", L, False, "运输砂石未遮盖",
     "车辆运输砂石未遮盖，在中山路造成少量砂石散落，当事人立即清理",
     ["及时清理"], 500),
    ("CG-05", H, True, "泥浆撒漏且拒不清理",
     "驾驶渣土车运输未密封，泥浆沿解放路撒漏约500米，并拒绝配合清理",
     ["拒不清理", "污染范围大"], 5000),
    ("CG-05", O, True, "混凝土罐车沿途滴漏",
     "运输混凝土的罐车出料口未封闭，沿途滴漏混凝土浆约40米",
     [], 1500),
    ("HB-06", O, True, "餐饮店油烟直排",
     "经营的某某餐饮店未安装油烟净化设施，厨房油烟经排风扇直接排向居民楼",
     [], 8000),
    ("HB-06", L, True, "油烟净化器未清洗不能正常使用",
     "经营的某某小吃店油烟净化器长期未清洗导致不能正常使用，检查后当日完成清洗并恢复运行",
     ["及时改正"], 5000),
    ("HB-06", H, True, "住宅楼底层烧烤店油烟直排",
     "在居民住宅楼底层开设烧烤店，未安装油烟净化设施，油烟直排，周边居民多次投诉，责令改正后逾期未改",
     ["逾期未改正", "多次被投诉"], 30000),
    ("HB-06", O, False, "饭店油烟净化设施未正常使用",
     "经营的某某饭店安装的油烟净化设施未正常使用，油烟未经处理直接排放",
     [], 10000),
    ("HB-06", L, False, "面馆净化装置未开启",
     "经营的某某面馆油烟净化装置电源未打开，油烟直接排放，当场开启并承诺正常使用",
     ["当场改正"], 5000),
    ("HB-06", H, True, "大排档露天烧烤无净化措施",
     "在滨江路经营夜宵大排档，露天炭火烧烤且无任何油烟净化措施，拒不整改",
     ["拒不改正"], 20000),
    ("HB-06", O, True, "快餐店排放口紧邻居民窗户",
     "经营的快餐店油烟排放口设在居民窗户旁，净化设施未运行",
     [], 8000),
    ("HB-07", O, True, "超市门口高音喇叭促销",
     "经营的某某超市在店门口使用高音喇叭循环播放促销广告，噪声干扰周边居民",
     [], 1000),
    ("HB-07", L, True, "手机店音箱播放促销音乐",
     "经营的某某手机店门口音箱播放促销音乐，经执法人员指出后立即关闭",
     ["当场改正"], 500),
    ("HB-07", H, True, "KTV夜间噪声扰民",
     "经营的某某KTV夜间营业时音响声音外泄，严重干扰周边居民休息，责令改正后仍多次违反",
     ["多次违反", "夜间扰民"], 5000),
    ("HB-07", O, False, "服装店大功率音响招揽顾客",
     "经营的某某服装店在滨江路店门口摆放大功率音响反复播放打折信息，干扰行人和居民",
     [], 1000),
    ("HB-07", L, False, "流动商贩扩音器叫卖",
     "在人民路使用扩音器反复叫卖，经劝导后关闭扩音器",
     ["当场改正"], 200),
    ("HB-07", H, False, "家具城连续多日高音宣传",
     "经营的某某家具城开业期间连续多日使用高音喇叭宣传，经责令停止后仍继续使用",
     ["拒不改正"], 5000),
    ("HB-07", O, True, "药店门前音箱循环播放",
     "经营的某某药店门前设置音箱循环播放促销信息，噪声影响周边住户",
     [], 1000),
    ("SJ-08", O, True, "无照开设便利店",
     "未依法取得营业执照，在某小区底商开设便利店从事食品和日用品零售",
     [], 3000),
    ("SJ-08", L, True, "农贸市场无照经营干货",
     "未办理营业执照在农贸市场内经营干货摊位，经营时间不足一个月，违法所得较少，立案后已申领营业执照",
     ["及时改正", "违法所得较少"], 500),
    ("SJ-08", H, True, "无照经营棋牌室",
     "未取得营业执照擅自经营棋牌室一年有余，责令停止经营后继续营业",
     ["拒不停止经营", "持续时间长"], 10000),
    ("SJ-08", O, False, "未经登记开设美甲店",
     "未经登记在滨江路开设某某美甲店从事经营活动",
     [], 3000),
    ("SJ-08", L, False, "居民楼内无照维修家电",
     "在居民楼内无照从事家电维修，规模较小，检查后主动办理登记",
     ["主动改正"], 500),
    ("SJ-08", H, True, "无照开设废品回收站",
     "未领取营业执照开设废品回收站，经营规模较大，经两次责令整改仍未办照",
     ["拒不改正", "经营规模较大"], 8000),
    ("SJ-08", O, True, "无照从事服装零售",
     "未取得营业执照在建设路租用门面从事服装零售",
     [], 2000),
    ("SJ-09", O, True, "无证开设快餐店",
     "未取得食品经营许可证，在某小区底商开设某某快餐店从事餐饮服务",
     [], 60000),
    ("SJ-09", L, True, "许可证过期继续经营熟食",
     "食品经营许可证有效期届满未延续仍继续经营熟食，超期不足一个月，立案后已取得新证",
     ["及时改正", "超期时间短"], 50000),
    ("SJ-09", H, True, "学校周边无证经营盒饭",
     "未取得食品经营许可在学校周边经营盒饭外卖，供应学生用餐，经责令停止后继续经营",
     ["拒不停止经营", "供应对象为学生"], 100000),
    ("SJ-09", O, False, "未办许可制售饮品",
     "在滨江路开设某某奶茶店，未办理食品经营许可即从事饮品制售",
     [], 60000),
    ("SJ-09", L, False, "审批期间提前营业",
     "新开业面包房在许可申请审批期间提前营业一周，货值金额较小",
     ["违法时间短", "货值金额较小"], 50000),
    ("SJ-09", H, False, "无证经营烧烤店近两年",
     "无证经营某某烧烤店近两年，经营面积约200平方米",
     ["持续时间长", "经营规模较大"], 100000),
    ("SJ-09", O, True, "农贸市场无证销售卤味",
     "未取得食品经营许可证，在农贸市场租赁摊位销售自制卤味",
     [], 55000),
    ("SJ-10", O, True, "超市销售过期酸奶面包",
     "在某某超市货架上销售超过保质期的酸奶12盒、面包8袋",
     [], 8000),
    ("SJ-10", L, True, "便利店陈列过期饼干",
     "经营的某某便利店货架上陈列超过保质期的饼干3包，尚未售出，货值不足50元，当场下架",
     ["货值金额较小", "当场下架"], 5000),
    ("SJ-10", H, True, "篡改日期销售过期奶粉",
     "将超过保质期的进口奶粉更改生产日期后销售，货值金额约8000元",
     ["篡改生产日期", "货值金额较大"], 50000),
    ("SJ-10", O, False, "副食店销售过期速冻食品",
     "经营的某某副食店销售已过保质期的速冻水饺和火腿肠",
     [], 6000),
    ("SJ-10", L, False, "冰柜存放过期冰淇淋",
     "经营的小卖部冰柜中存放过期冰淇淋两支待售，货值不足20元",
     ["货值金额较小"], 5000),
    ("SJ-10", H, True, "后厨使用过期食用油",
     "经营的餐馆后厨使用过期的食用油和调味品加工菜品，一年内第二次被查处",
     ["一年内再次违法"], 30000),
    ("SJ-10", O, True, "超市销售过期饮料",
     "经营的某某超市销售超过保质期的饮料15瓶",
     [], 7000),
]  # fmt: skip

# The drafts: an officer's own 案由 and 违法事实, worded independently of the decisions.
QUERIES = [
    ("CG-01", L, True, "违法搭建雨棚",
     "当事人在住宅天井内未经规划审批搭建彩钢板雨棚约9平方米，检查当日即自行拆除", 1000),
    ("CG-01", O, False, "违规加建房屋",
     "当事人未取得建设工程规划许可证，在所住楼房屋顶平台上加盖砖混结构房屋一间，面积约40平方米", 6000),
    ("CG-01", H, True, "违法建设仓库",
     "当事人未办理建设工程规划许可，在村口空地建设钢架结构仓库约500平方米，经责令停止建设后继续施工", 50000),
    ("CG-02", L, True, "摆地摊卖水果",
     "当事人在菜市场门口人行道上摆地摊卖水果约2平方米，系初次发现，执法队员劝导后当即收摊", 100),
    ("CG-02", O, True, "烧烤店店外经营",
     "当事人经营的某某烧烤店在店门外人行道上摆放桌椅露天经营，占用人行道约12平方米", 500),
    ("CG-02", H, False, "校门口摆摊",
     "当事人在小学门口人行道设摊售卖早餐，经多次劝离和责令改正仍天天摆摊", 2000),
    ("CG-03", L, False, "门口堆放装修材料",
     "当事人在店门口人行道上临时堆放装修用瓷砖和沙子约3平方米，发现当天即自行清走", 300),
    ("CG-03", O, True, "人行道堆放建筑物料",
     "当事人未经市容部门同意，在人民路人行道上堆放砂石、红砖等建筑物料约18平方米", 1000),
    ("CG-03", H, True, "公共场地堆放钢筋模板",
     "当事人在滨江路公共场地堆放钢筋和模板约120平方米，限期清理通知书送达后逾期不清理", 5000),
    ("CG-04", L, True, "屋顶安装广告招牌",
     "当事人未经批准在店铺屋顶安装广告招牌约18平方米，立案后当事人自行拆除", 1000),
    ("CG-04", O, False, "外墙安装喷绘广告",
     "当事人未经市容主管部门同意在商场外墙上安装大幅喷绘广告牌约55平方米", 5000),
    ("CG-04", H, True, "竖立大型立柱广告",
     "当事人在主干道旁擅自竖立大型立柱广告牌约160平方米，限期拆除通知期满仍未拆除", 10000),
    ("CG-05", O, True, "渣土沿路散落",
     "当事人驾驶自卸车运输建筑渣土未加盖篷布，行驶途中渣土沿路散落约35米", 2000),
    ("CG-05", L, False, "运沙货车洒落沙土",
     "当事人运送沙土的货车苫布没有盖好，路口处洒落少量沙土，驾驶员马上清扫了", 500),
    ("CG-05", H, True, "渣土车夜间撒漏",
     "当事人的渣土车未密闭运输，夜间沿路撒漏泥土约400米，本年度已多次因同样行为被查处", 5000),
    ("HB-06", O, True, "餐馆油烟直排",
     "当事人开设的某某餐馆厨房未安装油烟净化器，油烟通过排气扇直接向住宅楼排放", 8000),
    ("HB-06", L, True, "净化器未清洗",
     "当事人小吃店的油烟净化器因未及时清洗无法正常运行，检查当天即清洗完毕恢复使用", 5000),
    ("HB-06", H, False, "烧烤油烟扰民",
     "当事人在住宅楼下经营烧烤，油烟直排无净化设施，居民反复投诉，责令限期改正后仍未整改", 30000),
    ("HB-07", O, True, "喇叭播放促销广告",
     "当事人经营的超市在门口用喇叭反复播放促销广告，声音较大，影响附近居民", 1000),
    ("HB-07", L, True, "音箱播放优惠信息",
     "当事人店铺门前音箱播放优惠信息，执法人员指出后当即关掉音箱", 500),
    ("HB-07", H, False, "KTV深夜噪声",
     "当事人经营的KTV深夜音响声音传出室外，周边居民无法入睡，责令改正后仍反复出现", 5000),
    ("SJ-08", L, True, "无照卖干货",
     "当事人没有办理营业执照就在农贸市场内租摊卖干货，经营不到一个月，被查后已去办理执照", 500),
    ("SJ-08", O, False, "无照便利店",
     "当事人未经登记注册，在小区底商开了一家便利店，销售零食和日用品", 3000),
    ("SJ-08", H, True, "无照棋牌室",
     "当事人无照开设棋牌室经营一年多，执法人员责令停业后仍然继续营业", 10000),
    ("SJ-09", O, True, "无证快餐店",
     "当事人未办理食品经营许可证，在小区门口经营一家快餐店，对外提供餐饮服务", 60000),
    ("SJ-09", L, False, "许可过期销售熟食",
     "当事人的食品经营许可证过期后未及时办理延续，继续销售熟食二十余天，立案后已重新取得许可", 50000),
    ("SJ-09", H, True, "无证配送盒饭",
     "当事人没有食品经营许可，在中学附近制作盒饭向学生配送，责令停止后仍继续经营", 100000),
    ("SJ-10", L, True, "过期饼干",
     "当事人便利店货架上摆放超过保质期的饼干两包，尚未售出，执法人员检查时当场下架", 5000),
    ("SJ-10", O, True, "过期酸奶面包",
     "当事人经营的超市销售过期酸奶和面包共二十余件", 8000),
    ("SJ-10", H, False, "涂改日期卖奶粉",
     "当事人将已过保质期的奶粉涂改生产日期后对外销售，货值金额约六千元", 50000),
]  # fmt: skip

AGENCY = "某某县综合行政执法局"
PERSONS = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
SHOPS = ("某某餐饮店", "某某商贸有限公司", "某某便利店", "某某建筑工程有限公司",
         "某某运输有限公司", "某某食品商行", "某某超市")  # fmt: skip
EVIDENCE = ("现场检查笔录", "询问笔录", "现场照片", "执法记录仪视频", "当事人身份证明复印件",
            "营业执照复印件", "测量记录", "责令改正通知书及送达回证", "投诉登记材料")  # fmt: skip
INTRO = (
    "本机关执法人员在日常巡查中发现，",
    "本机关接到群众投诉后到现场检查，发现",
    "本机关执法人员根据上级交办线索进行核查，发现",
)
STATEMENT = (
    "当事人在法定期限内未提出陈述、申辩。",
    "当事人提出了陈述、申辩，本机关经复核，对其提出的事实、理由不予采纳。",
    "当事人书面放弃陈述、申辩的权利。",
)
RIGHTS = (
    "当事人应当自收到本决定书之日起十五日内，将罚款缴至指定银行或者通过电子支付系统缴纳。"
    "到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款。"
    "当事人如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，"
    "或者在六个月内依法向人民法院提起行政诉讼。"
)
CN_DIGITS = "〇一二三四五六七八九"


def article_label(number: int) -> str:
    """第六十四条 from 64 (numbers below 1000)."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    text = ""
    if hundreds:
        text += CN_DIGITS[hundreds] + "百"
        if rest and tens == 0:
            text += "零"
    if tens:
        text += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    if ones:
        text += CN_DIGITS[ones]
    return f"第{text}条"


def cited(articles: list[tuple[str, int]]) -> str:
    return "、".join(f"《{law}》{article_label(n)}" for law, n in articles)


def reasons(tier: str, circumstances: list[str]) -> str:
    if tier == L:
        return f"鉴于当事人{('、'.join(circumstances))}，依法予以从轻处罚。"
    if tier == H:
        return f"鉴于当事人{('、'.join(circumstances))}，情节较重，依法予以从重处罚。"
    return "综合考虑当事人违法行为的事实、性质、情节以及社会危害程度，按一般情形予以处罚。"


def decision_text(rng: random.Random, number: str, row: tuple, on: date) -> tuple[str, str]:  # type: ignore[type-arg]
    code, tier, _chosen, title, facts, circumstances, fine = row
    name, violated, penalty, order = VIOLATIONS[code]
    # The party as the facts describe him: a business where they speak of its shop or vehicles,
    # a person where of his home or his own stall, otherwise either.
    draw = rng.random() < 0.45
    if facts.startswith(("经营的", "所属", "某运输公司")) or "公司" in facts:
        company = True
    elif any(w in facts for w in ("自家", "住宅", "自有", "房屋时", "驾驶", "摆摊", "叫卖")):
        company = False
    else:
        company = draw
    if company:
        party = (
            f"当事人：{rng.choice(SHOPS)}，统一社会信用代码：**************，"
            f"住所：某某县某某路某号，法定代表人：{rng.choice(PERSONS)}某。"
        )
        who = "当事人"
    else:
        surname = rng.choice(PERSONS)
        party = f"当事人：{surname}某，性别：{rng.choice('男女')}，住址：某某县某某镇某某村。"
        who = f"当事人{surname}某"
    found = on - timedelta(days=rng.randrange(20, 70))
    evidence = "、".join(rng.sample(EVIDENCE, rng.randrange(3, 6)))
    lines = [
        AGENCY,
        "行政处罚决定书",
        number,
        party,
        f"{rng.choice(INTRO)}{who}{facts}。本机关于{found:%Y年%m月%d日}立案调查。",
        f"经查明：{who}{facts}。以上事实有{evidence}等证据证实。",
        "本机关于作出本决定前向当事人送达了行政处罚事先告知书，告知其拟作出行政处罚的事实、"
        "理由、依据以及依法享有的陈述、申辩权利。" + rng.choice(STATEMENT),
        f"本机关认为，当事人的上述行为违反了{cited(violated)}的规定，构成{name}。"
        + reasons(tier, circumstances)
        + f"依据{cited(penalty)}的规定，本机关决定：{order}，并处罚款人民币{fine}元。",
        RIGHTS,
        AGENCY,
        f"{on:%Y年%m月%d日}",
    ]
    return f"{number} {title}", "\n".join(lines)


def grade(query: tuple, decision: tuple) -> int:  # type: ignore[type-arg]
    """The rule of the README: 2 same 违法行为 and 阶次, 1 same 违法行为, else 0."""
    if query[0] != decision[0]:
        return 0
    return 2 if query[1] == decision[1] else 1


def main() -> None:
    rng = random.Random(28)  # noqa: S311 - reproducible synthetic texts, not secrets
    OUT.mkdir(parents=True, exist_ok=True)
    # Decisions of January 2025 to May 2026, in a shuffled order (so the newest of a kind is
    # not always the same tier).
    order = list(range(len(DECISIONS)))
    rng.shuffle(order)
    days = {i: date(2025, 1, 6) + timedelta(days=7 * position) for position, i in enumerate(order)}
    with (OUT / "decisions.jsonl").open("w", encoding="utf-8") as out:
        for i, row in enumerate(DECISIONS):
            code, tier, chosen, _title, _facts, circumstances, fine = row
            name, violated, penalty, _order = VIOLATIONS[code]
            on = days[i]
            number = f"某综执罚〔{on.year}〕{i + 101}号"
            title, text = decision_text(rng, number, row, on)
            record = {
                "id": f"d{i + 1:02d}", "violation": code, "violation_name": name,
                "chosen": chosen, "violated": violated, "penalty": penalty, "tier": tier,
                "circumstances": circumstances, "fine": fine, "decided_on": on.isoformat(),
                "title": title, "text": text,
            }  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (OUT / "queries.jsonl").open("w", encoding="utf-8") as out:
        for i, draft in enumerate(QUERIES):
            code, tier, chosen, title, facts, fine = draft
            name, violated, penalty, _order = VIOLATIONS[code]
            labels = {
                f"d{j + 1:02d}": g
                for j, decision in enumerate(DECISIONS)
                if (g := grade(draft, decision))
            }
            record = {
                "id": f"q{i + 1:02d}", "violation": code, "violation_name": name,
                "chosen": chosen, "violated": violated, "penalty": penalty, "tier": tier,
                "fine": fine, "title": title, "facts": facts, "labels": labels,
            }  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(DECISIONS)} decisions, {len(QUERIES)} queries → {OUT}")


if __name__ == "__main__":
    main()
