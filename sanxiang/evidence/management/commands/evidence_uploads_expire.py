"""``sanxiang evidence_uploads_expire``: remove resumable uploads left unfinished past their
expiry (``SANXIANG_RESUMABLE_EXPIRE_HOURS`` after their last chunk) and their scratch files, and
ask again for the registration of complete uploads nobody works on (logged as an ERROR once
they have waited an hour)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sanxiang.evidence.resumable import uploads_expire, uploads_finish_again


class Command(BaseCommand):
    help = "Remove abandoned resumable evidence uploads and their partial files."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = uploads_expire()
        self.stdout.write(
            f"已清理 {removed} 个过期未完成的上传 / removed {removed} abandoned upload(s)"
        )
        asked = uploads_finish_again()
        if asked:
            self.stdout.write(
                f"已重新安排 {asked} 个已收齐文件的登记 / registration asked again for {asked}"
                " complete upload(s)"
            )
