"""The time limits of the 执行 stage and of the party's remedies, declared with their clocks.

Kept apart from ``definitions`` so the guards and the execution reads can use them without
importing the procedures (which import the guards).
"""

from __future__ import annotations

from sanxiang.core.deadlines import CalendarDays, Deadline, Months, WorkingDays

PAYMENT_DEADLINE = Deadline(CalendarDays(15), "收到决定书之日", "行政处罚法第六十七条")
INSTALMENT_DEADLINE_BASIS = "经批准暂缓或者分期缴纳的期限（行政处罚法第六十六条第二款）"
# The party may apply for 行政复议 within sixty days of knowing of the decision, and sue within
# six months; the decision is known to him when it is served (or handed over on the spot).
RECONSIDERATION_PERIOD = Deadline(
    CalendarDays(60), "知道该行政行为之日（决定书送达之日）", "行政复议法第二十条"
)
LITIGATION_PERIOD = Deadline(
    Months(6), "知道作出行政行为之日（决定书送达之日）", "行政诉讼法第四十六条"
)
# 行政强制法第五十四条: the court may be asked ten days after the 催告书 was served; ten days
# and less are working days (第六十九条).
DEMAND_PERIOD = Deadline(WorkingDays(10), "催告书送达之日", "行政强制法第五十四条、第六十九条")
# 行政强制法第五十三条: within three months after the 复议 and 诉讼 periods lapse; where
# 暂缓或者分期缴纳 was approved, from the end of that period (行政处罚法第七十二条第二款).
COURT_APPLICATION_DEADLINE = Deadline(
    Months(3),
    "复议、诉讼期限届满之日（经批准暂缓或者分期缴纳的，自该期限结束之日）",
    "行政强制法第五十三条；行政处罚法第七十二条第二款",
)
