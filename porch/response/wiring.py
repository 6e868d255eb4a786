"""Registrations made at start-up (keywords, shredders, periodic jobs, home panel)."""

from datetime import timedelta


def connect() -> None:
    from porch.core import home, periodic
    from porch.messaging import keywords
    from porch.response import actions, sms
    from porch.response.views import home_panel
    from porch.vault.erasure import register_shredder

    register_shredder(actions.REPORT_KIND, actions.forget_report)
    register_shredder(actions.REPORTER_KIND, actions.forget_reporter)
    keywords.register("REPORT", sms.report)
    keywords.register("REPORTE", sms.report, language="es")
    keywords.register("WARBIXIN", sms.report, language="so")
    keywords.register("QHIA", sms.report, language="hmn")
    keywords.register("STATUS", sms.status)
    keywords.register("ESTADO", sms.status, language="es")
    keywords.register("XAALADDA", sms.status, language="so")
    keywords.register("XWM TXHEEJ", sms.status, language="hmn")
    keywords.register("GO", sms.go)
    keywords.register("PASS", sms.pass_)
    periodic.register("response.escalate", every=timedelta(minutes=1))(
        actions.do_escalate_dispatches
    )
    home.register(home_panel)
