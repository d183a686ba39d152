"""Masking of personal data for lists and pages. Clear values only through an audited reveal."""

from __future__ import annotations


def mask_phone(value: str) -> str:
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    name = value.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(value: str) -> str:
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_account(value: str) -> str:
    v = value.replace(" ", "")
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


MASKERS = {
    "phone": mask_phone,
    "name": mask_name,
    "id_number": mask_id_number,
    "account": mask_account,
}
