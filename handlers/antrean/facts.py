"""What the antrean flow may read about today's visits (mixed into handlers.facts.DbFacts)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flows.dates import jam, rentang_jam
from flows.facts import AntreanDay, Stand, TicketAtVisit, TodayVisit, UpcomingTicket
from handlers.antrean.line import DEFAULT_SERVICE_MINUTES, label, place_of, today_visits, visit_window
from handlers.views import opd_ref, visit_view
from storage import queue
from storage.models import CLOSED_TICKET, Opd, QueueEntry, Ticket, TicketStatus, Visit, VisitStatus


class QueueFacts:
    """The facts the antrean flow asks for; mixed into handlers.facts.DbFacts (needs s, resident,
    today, now, timezone and opd_list)."""

    def antrean_today(self) -> AntreanDay:
        s, resident = self.s, self.resident
        visits = []
        for v in today_visits(s, self.today):
            checkin_from, closes = visit_window(v, self.timezone)
            tickets = s.scalars(select(Ticket).where(Ticket.resident_id == resident.id, Ticket.visit_id == v.id,
                                                     Ticket.status != TicketStatus.DITOLAK)
                                .options(joinedload(Ticket.opd)).order_by(Ticket.id)).all()
            entries = s.scalars(select(QueueEntry).where(QueueEntry.visit_id == v.id,
                                                         QueueEntry.resident_id == resident.id)
                                .order_by(QueueEntry.opd_id)).all()
            visits.append(TodayVisit(
                id=v.id, kecamatan=v.kecamatan.nama, lokasi=v.lokasi,
                jam_text=rentang_jam(v.mulai, v.selesai), buka_text=jam(v.mulai),
                checkin_from=checkin_from, selesai_at=closes,
                stands=tuple(self._stand(v, o) for o in v.opd),
                tickets=tuple(TicketAtVisit(kode=t.kode, opd=opd_ref(t.opd)) for t in tickets),
                places=tuple(place_of(s, e, self.now) for e in entries),
            ))
        later = s.scalar(select(Visit).where(Visit.tanggal > self.today, Visit.status == VisitStatus.PLANNED)
                         .order_by(Visit.tanggal, Visit.id).limit(1))
        booked = s.scalar(select(Ticket).join(Ticket.visit).where(
            Ticket.resident_id == resident.id, Ticket.status.not_in(CLOSED_TICKET), Visit.tanggal > self.today,
            Visit.status == VisitStatus.PLANNED).order_by(Visit.tanggal, Ticket.id).limit(1))
        upcoming = None
        if booked is not None:
            card = visit_view(booked.visit, self.today)
            upcoming = UpcomingTicket(kode=booked.kode, opd=opd_ref(booked.opd), tanggal_text=card.tanggal_text,
                                      jam_text=card.jam_text, lokasi=card.lokasi)
        return AntreanDay(visits=tuple(visits), next_visit=visit_view(later, self.today) if later else None,
                          upcoming_ticket=upcoming,
                          opds=tuple(self.opd_list()))

    def _stand(self, visit: Visit, opd: Opd) -> Stand:
        waiting = queue.waiting_count(self.s, visit.id, opd.id)
        serving = queue.being_served(self.s, visit.id, opd.id)
        return Stand(opd=opd_ref(opd), waiting=waiting,
                     serving_label=label(opd.key, serving[0]) if serving else None,
                     minutes=queue.estimate_minutes(self.s, visit.id, opd.id, waiting, self.now,
                                                    DEFAULT_SERVICE_MINUTES))
