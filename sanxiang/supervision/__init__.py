"""执法监督: the supervising bodies' read-only view, the 监督驾驶舱 and the 干预记录 (issue #16)."""
