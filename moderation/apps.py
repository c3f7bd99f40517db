from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from comments import own_edit
        from comments import policy as comments_policy

        # reader_info and rules also connect receivers: the readers' policy summary and the
        # cached rules are dropped when the policy or a blocked term changes.
        from . import policy, reader_info, rules, services

        # What the comments app tells moderation (the audit log, the rate limit) and what
        # it tells readers about moderation: registered here, so the path is visible.
        comments_policy.register(
            comments_policy.Moderation(
                after_insert=services.comment_inserted,
                after_insert_many=services.comments_imported,
                count_attempt=policy.count_attempt,
                policy_summary=reader_info.policy_summary,
                explain_hold=reader_info.explain_hold,
                refusal_reasons=reader_info.refusal_reasons,
            )
        )
        # How long writers may correct their comments is the policy's to say.
        own_edit.register_window(rules.own_edit_window)
