"""Accounts: argon2 password hashes, lockout after repeated failures, roles."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from admon.settings import TIMEZONE, aware
from warehouse.review import audit
from warehouse.schema import User

ROLES = {"monitor": "监测员", "enforcer": "执法人员", "admin": "管理员"}
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("admon-no-such-user")


class AuthError(ValueError):
    """Login or account error, worded for the login page."""


def create_user(session: Session, username: str, password: str, *, role: str, display_name: str | None = None,
                actor: str = "system") -> User:
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(User).where(User.username == username)):
        raise AuthError(f"user {username!r} already exists")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=_hasher.hash(password), created_at=datetime.now(TIMEZONE))
    session.add(user)
    audit(session, actor, "user.create", f"user:{username}", role=role)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str, *, ip: str | None = None) -> User:
    """The user, if the password is right and the account is neither disabled nor locked."""
    user = session.scalar(select(User).where(User.username == username))
    now = datetime.now(TIMEZONE)
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        audit(session, username or "?", "login.failed", ip=ip, reason="unknown user")
        raise AuthError("用户名或密码错误")
    locked = user.locked_until
    if locked is not None and aware(locked) > now:
        audit(session, username, "login.locked", ip=ip)
        raise AuthError("连续登录失败次数过多，账户已临时锁定，请 15 分钟后再试")
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit(session, username, "login.lockout", ip=ip)
        else:
            audit(session, username, "login.failed", ip=ip)
        raise AuthError("用户名或密码错误")
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit(session, username, "login", ip=ip)
    return user


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
