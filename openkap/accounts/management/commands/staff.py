"""`openkap staff add USERNAME --clinic NAME --role ROLE ...`: create a staff account from the command
line (the first clinic administrator of a new deployment). The password is asked for, or read from
the OPENKAP_STAFF_PASSWORD environment variable for scripts; it never appears in the arguments."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.accounts.management.commands.clinic import _describe
from openkap.accounts.models import Clinic, Role, User
from openkap.accounts.services import staff_create


class Command(BaseCommand):
    help = "Manage staff accounts. `openkap staff add USERNAME --clinic NAME --role clinic_admin`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        add = subcommands.add_parser("add", help="Create a staff account with roles in one clinic.")
        add.add_argument("username")
        add.add_argument("--clinic", required=True, help="The clinic's name.")
        add.add_argument("--role", action="append", required=True, choices=Role.values)
        add.add_argument("--first-name", required=True)
        add.add_argument("--last-name", required=True)
        add.add_argument("--email", default="")
        add.add_argument("--credentials", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = Clinic.objects.filter(name=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"--clinic: no clinic is named {options['clinic']!r}.")
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"username: {options['username']!r} is taken.")
        password = os.environ.get("OPENKAP_STAFF_PASSWORD") or getpass.getpass("Password: ")
        probe = User(
            username=options["username"],
            first_name=options["first_name"],
            last_name=options["last_name"],
        )
        try:
            validate_password(password, probe)
            user = staff_create(
                actor=None,
                clinic=clinic,
                username=options["username"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                credentials=options["credentials"],
                roles=options["role"],
            )
        except ValidationError as error:
            raise CommandError(f"password or account: {_describe(error)}") from None
        self.stdout.write(
            f"Created {user.username} ({', '.join(sorted(options['role']))} at {clinic.name}). "
            "They set up their authenticator app at first sign-in."
        )
