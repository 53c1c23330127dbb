"""``res.partner``: customers, suppliers, their contacts and delivery addresses.

One table for companies, people and addresses (as in Odoo): a contact or a
delivery address is a partner whose ``parent_id`` is the company. Documents
reference the company for accounting and a child for where goods go.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from addons.base.models.checks import check_email, check_not_negative, require
from kernel import Money, _, info, many2one, model, one2many
from kernel.errors import ValidationError

PARTNER_TYPES = [
    ("contact", _("Contact")),
    ("delivery", _("Delivery address")),
    ("invoice", _("Invoice address")),
]
PARTNER_LANGS = [("zh_CN", _("Simplified Chinese")), ("en", _("English"))]


@model("res.partner", _("Partner"), rec_name="name", order="name")
class Partner:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256), index=True, info=info(_("Name")))
    is_company: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Is a company")))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id", ondelete="CASCADE"),
        index=True,
        nullable=True,
        info=info(_("Company"), _("The company this contact or address belongs to")),
    )
    type: Mapped[str] = mapped_column(
        String(16), default="contact", info=info(_("Address type"), selection=PARTNER_TYPES)
    )
    ref: Mapped[str | None] = mapped_column(
        String(64), unique=True, nullable=True, info=info(_("Reference"), _("Your code for it"))
    )
    email: Mapped[str] = mapped_column(String(254), default="", info=info(_("E-mail")))
    phone: Mapped[str] = mapped_column(String(64), default="", info=info(_("Phone")))
    mobile: Mapped[str] = mapped_column(String(64), default="", info=info(_("Mobile")))
    street: Mapped[str] = mapped_column(String(256), default="", info=info(_("Street")))
    street2: Mapped[str] = mapped_column(String(256), default="", info=info(_("Street 2")))
    city: Mapped[str] = mapped_column(String(128), default="", info=info(_("City")))
    zip: Mapped[str] = mapped_column(String(32), default="", info=info(_("ZIP code")))
    state_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_country_state.id"), index=True, nullable=True, info=info(_("Region"))
    )
    country_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_country.id"), index=True, nullable=True, info=info(_("Country"))
    )
    tax_id: Mapped[str] = mapped_column(String(64), default="", info=info(_("Tax ID")))
    lang: Mapped[str] = mapped_column(
        String(16), default="zh_CN", info=info(_("Language"), selection=PARTNER_LANGS)
    )
    is_customer: Mapped[bool] = mapped_column(
        Boolean, default=False, index=True, info=info(_("Customer"))
    )
    is_supplier: Mapped[bool] = mapped_column(
        Boolean, default=False, index=True, info=info(_("Supplier"))
    )
    credit_limit: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Credit limit"), _("0 means no limit"), widget="monetary"),
    )
    payment_term_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_payment_term.id"), nullable=True, info=info(_("Payment terms"))
    )
    customer_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner_group.id"),
        index=True,
        nullable=True,
        info=info(_("Customer group")),
    )
    salesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), index=True, nullable=True, info=info(_("Salesperson"))
    )
    notes: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def parent(cls: Any) -> Mapped[Any]:
        return relationship_parent(cls)

    @declared_attr
    def children(cls) -> Mapped[list[Any]]:
        return one2many(cls, "Partner", "parent_id", order_by="id", back_populates="parent")

    @declared_attr
    def state(cls) -> Mapped[Any]:
        return many2one(cls, "Region", "state_id")

    @declared_attr
    def country(cls) -> Mapped[Any]:
        return many2one(cls, "Country", "country_id")

    @declared_attr
    def payment_term(cls) -> Mapped[Any]:
        return many2one(cls, "PaymentTerm", "payment_term_id")

    @declared_attr
    def customer_group(cls) -> Mapped[Any]:
        return many2one(cls, "CustomerGroup", "customer_group_id")

    @declared_attr
    def salesperson(cls) -> Mapped[Any]:
        return many2one(cls, "User", "salesperson_id")

    @property
    def contacts(self) -> list[Any]:
        return [c for c in self.children if c.type == "contact"]

    @property
    def delivery_addresses(self) -> list[Any]:
        return [c for c in self.children if c.type == "delivery"]

    @property
    def commercial_partner(self) -> Any:
        """The company that is invoiced and whose credit is checked."""
        return self.parent if self.parent_id and self.parent is not None else self

    def display_name(self, env: Any = None) -> str:
        """``Company, Person`` for contacts, the plain name for companies."""
        parent = self.parent
        if parent is not None and self.type == "contact" and parent.name:
            return f"{parent.name}, {self.name}"
        return self.name or ""

    def address_text(self) -> str:
        """The postal address on one line per part, for documents."""
        parts = [self.street, self.street2, " ".join(p for p in (self.zip, self.city) if p)]
        return "\n".join(p for p in parts if p)

    def __defaults__(self) -> None:
        """Contacts and addresses (partners with a parent) are people unless said otherwise."""
        if self.is_company is None:
            self.is_company = self.parent_id is None and self.parent is None

    def __validate__(self) -> None:
        require(self, "name", _("Name"))
        check_email(self.email, "email")
        check_not_negative(self, "credit_limit", _("Credit limit"))
        if self.type not in {key for key, _label in PARTNER_TYPES}:
            raise ValidationError(
                _("Address type: %(value)s is not a known type", value=self.type), field="type"
            )
        if self.type in ("delivery", "invoice") and self.parent_id is None and self.parent is None:
            raise ValidationError(
                _("Company: a delivery or invoice address must belong to a partner"),
                field="parent_id",
            )
        parent = self._parent_record()
        if parent is not None:
            if parent is self or (self.id is not None and parent.id == self.id):
                raise ValidationError(
                    _("Company: a partner cannot belong to itself"), field="parent_id"
                )
            if not parent.is_company:
                raise ValidationError(
                    _(
                        "Company: %(parent)s is a person, contacts belong to a company",
                        parent=parent.name,
                    ),
                    field="parent_id",
                )
            if self.is_company and self.type == "contact":
                raise ValidationError(
                    _(
                        "Is a company: a contact under %(parent)s must be a person",
                        parent=parent.name,
                    ),
                    field="is_company",
                )

    def _parent_record(self) -> Any:
        """The parent, also when only ``parent_id`` was set on a record not yet written."""
        if self.parent is not None or self.parent_id is None:
            return self.parent
        from sqlalchemy.orm import object_session

        session = object_session(self)
        return session.get(type(self), self.parent_id) if session is not None else None

    @classmethod
    def __validate_batch__(cls, session: Session, partners: list[Any]) -> None:
        """References are unique: say which one clashes instead of a database error."""
        refs: dict[str, Any] = {}
        for partner in partners:
            if partner.ref == "":
                partner.ref = None
            if partner.ref:
                other = refs.get(partner.ref)
                if other is not None and other is not partner:
                    raise _duplicate_ref(partner.ref)
                refs[partner.ref] = partner
        if not refs:
            return
        model_cls = type(partners[0])
        rows = session.execute(
            select(model_cls.id, model_cls.ref).where(model_cls.ref.in_(list(refs)))
        ).all()
        for pid, ref in rows:
            if refs[ref].id != pid:
                raise _duplicate_ref(ref)


def _duplicate_ref(ref: str) -> ValidationError:
    return ValidationError(
        _("Reference: %(ref)s is already used by another partner", ref=ref), field="ref"
    )


def relationship_parent(cls: Any) -> Any:
    from sqlalchemy.orm import relationship

    return relationship(
        "Partner",
        foreign_keys=lambda: [cls.parent_id],
        remote_side=lambda: [cls.id],
        back_populates="children",
    )
