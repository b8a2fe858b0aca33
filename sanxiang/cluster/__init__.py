"""Running Sanxiang on several processes: harnesses for the cluster's engines (DESIGN.md,
"Growing past one machine"). Plain Python, no Django: operators and tests run them directly."""
