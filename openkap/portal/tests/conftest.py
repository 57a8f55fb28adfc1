from openkap.portal.tests.fixtures import (  # noqa: F401
    make_portal_account,
    portal_client,
    portal_user,
    publish,
)
