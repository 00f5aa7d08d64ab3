"""A resident handed to a petugas, by concern: who may act on a ticket (`permissions`), a petugas'
list of open tickets (`backlog`), who holds a chat and is told so (`assignment`), a staff member
removed (`staff`), starting a handoff (`start`) and the relay both ways while a petugas holds it (`relay`)."""
