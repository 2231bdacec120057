"""Rules that need no database: password policy, refresh-token states, user states, the catalog."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mes.platform.auth import DECLARED_PERMISSIONS
from mes.services import all_specs
from mes.services.auth.errors import PasswordRejected
from mes.services.auth.models import RefreshToken, TokenFamily, User
from mes.services.auth.models.permissions import ADMINISTRATION, PERMISSIONS, ROLES
from mes.services.auth.service import passwords, tokens
from mes.services.auth.service.keys import thumbprint

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("", "password_too_short"),
        ("elevenchars", "password_too_short"),
        ("y" * 129, "password_too_long"),
        ("Jdoe-at-the-press-line", "password_contains_username"),
        ("PASSWORD1234", "password_too_common"),
        ("qwertyuiopas", "password_too_common"),
        ("abababababababab", "password_too_common"),
    ],
)
def test_password_policy_refuses(password: str, code: str) -> None:
    with pytest.raises(PasswordRejected) as e:
        passwords.check_policy(password, "jdoe")
    assert e.value.code == code and e.value.status == 422
    assert password not in e.value.detail or password == ""


@pytest.mark.parametrize(
    "password",
    ["twelve chars", "the-press-line-runs-at-six", ("long-phrase-" * 11)[:128], "ünïcödé-pässwörd"],
)
def test_password_policy_accepts(password: str) -> None:
    passwords.check_policy(password, "jdoe")


def test_a_two_letter_user_name_does_not_rule_out_passwords() -> None:
    passwords.check_policy("join-the-line-at-six", "jo")


async def test_argon2id_hashes_verify_and_compose_the_same_unicode() -> None:
    hashed = await passwords.hash_password("caf\u00e9-au-lait-please")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert await passwords.verify_password(hashed, "cafe\u0301-au-lait-please") == (True, False)
    assert await passwords.verify_password(hashed, "cafe-au-lait-please") == (False, False)
    assert await passwords.verify_password(None, "anything") == (False, False)
    assert await passwords.verify_password("not-a-hash", "anything") == (False, False)


def _family(lifetime: timedelta = timedelta(days=7)) -> TokenFamily:
    return TokenFamily(id=uuid.uuid4(), user_id=uuid.uuid4(), created_at=NOW, expires_at=NOW + lifetime)


def _token(family: TokenFamily, **kw: object) -> RefreshToken:
    return RefreshToken(
        token_hash="0" * 64, family_id=family.id, issued_at=NOW, expires_at=NOW + timedelta(hours=12), **kw
    )


def test_a_refresh_token_is_exchanged_once() -> None:
    family = _family()
    token = _token(family)
    assert token.exchange(family, NOW) is None and token.used_at == NOW
    assert token.exchange(family, NOW + timedelta(seconds=1)) == "reused"
    assert token.used_at == NOW


def test_expired_and_revoked_refresh_tokens() -> None:
    family = _family()
    assert _token(family).exchange(family, NOW + timedelta(hours=12)) == "expired"
    short = _family(timedelta(minutes=1))
    assert _token(short).exchange(short, NOW + timedelta(minutes=2)) == "expired"
    assert family.revoke("logout", NOW) is True
    assert family.revoke("refresh_token_reused", NOW) is False and family.revoked_reason == "logout"
    token = _token(family)
    assert token.exchange(family, NOW) == "revoked" and token.used_at is None


def test_user_deactivation_and_reactivation() -> None:
    user = User(
        username="ann", display_name="Ann", password_hash="$argon2id$secret", active=True, created_by="x"
    )
    user.deactivate(NOW)
    assert not user.active and user.deactivated_at == NOW
    with pytest.raises(ValueError, match="already deactivated"):
        user.deactivate(NOW)
    user.reactivate(NOW)
    assert user.active and user.deactivated_at is None
    assert "argon2" not in repr(user)


def test_access_token_claims() -> None:
    key = Ed25519PrivateKey.generate()
    sid = uuid.uuid4()
    now = datetime.now(UTC)
    token = tokens.access_token(
        "kid-1",
        key,
        subject="ann",
        name="Ann",
        roles=["viewer", "operator"],
        permissions={"b:read", "a:read"},
        session_id=sid,
        issuer="mes-auth",
        audience="mes",
        now=now,
        ttl_s=900,
    )
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": "kid-1", "typ": "JWT"}
    claims = jwt.decode(token, key.public_key(), algorithms=["EdDSA"], audience="mes", issuer="mes-auth")
    assert claims["roles"] == ["operator", "viewer"] and claims["perms"] == ["a:read", "b:read"]
    assert claims["sid"] == str(sid) and claims["exp"] - claims["iat"] == 900


def test_refresh_tokens_are_random_and_stored_as_digests() -> None:
    a, a_hash = tokens.new_refresh_token()
    b, _ = tokens.new_refresh_token()
    assert a != b and a.startswith("mesrt_") and len(a) > 40
    assert a_hash == tokens.hash_refresh_token(a) and a not in a_hash and len(a_hash) == 64


def test_kid_is_the_rfc7638_thumbprint() -> None:
    # RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    raw = jwt.utils.base64url_decode(x)
    assert thumbprint(raw) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_catalog_covers_every_declared_permission_and_the_matrix() -> None:
    all_specs()  # every route declared
    assert set(PERMISSIONS) >= DECLARED_PERMISSIONS, DECLARED_PERMISSIONS - set(PERMISSIONS)
    assert set(ROLES) == {
        "admin",
        "planner",
        "supervisor",
        "operator",
        "quality",
        "maintenance",
        "viewer",
        "integration",
    }
    for role, (_, perms) in ROLES.items():
        assert set(perms) <= set(PERMISSIONS), role
        assert len(set(perms)) == len(perms), role
    assert set(ROLES["admin"][1]) == set(PERMISSIONS)
    assert not any(set(ADMINISTRATION) <= set(p) for r, (_, p) in ROLES.items() if r != "admin")
