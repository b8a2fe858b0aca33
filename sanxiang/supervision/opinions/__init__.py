"""执法监督意见 / 责令纠正 (issue #16): a supervising body's written opinion or correction order on
a case, the agency's written answer within the period, and the body's acceptance or return."""
