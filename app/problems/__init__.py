"""The rectification ledger (整改台账): 发现问题 → 问题清单 → 限期整改 → 复查 → 销号.

`ledger` is the pure state machine and the overdue rule; `categories` reads the category list
kept beside the forms; `service` stores problems and their steps (audited); `counts` sums them per
township for the dashboard, the map and the to-do page.
"""
