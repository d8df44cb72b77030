"""ACLs per principal on topics and groups, and the errors a denied client sees.

Kafka's ``StandardAuthorizer`` checks each request: a consumer needs READ on
its group (to join and commit) and READ on each topic it fetches (DESCRIBE for
metadata, implied by READ). A DENY beats any ALLOW; ALL covers every
operation. The simulated cluster starts with no ACLs and treats a resource
without ACLs as open to everyone, as ``allow.everyone.if.no.acl.found=true``
would; the first ACL on a resource closes it to everyone not listed.
"""

from __future__ import annotations

from simulator.errors import SimulationError

RESOURCE_TYPES = ("TOPIC", "GROUP")
OPERATIONS = ("READ", "WRITE", "DESCRIBE", "ALL")
PERMISSIONS = ("ALLOW", "DENY")
MAX_ACLS = 200

# What each Kafka operation implies (READ and WRITE imply DESCRIBE).
_IMPLIES = {
    "READ": {"READ", "DESCRIBE"},
    "WRITE": {"WRITE", "DESCRIBE"},
    "DESCRIBE": {"DESCRIBE"},
    "ALL": {"READ", "WRITE", "DESCRIBE", "ALL"},
}


class AclStore:
    """ACL entries by resource: {(type, name): [{principal, host, operation, permission}]}."""

    def __init__(self):
        self.by_resource: dict[tuple[str, str], list[dict]] = {}

    @staticmethod
    def validate(
        resource_type: str, name: str, principal: str, operation: str, permission: str
    ) -> None:
        if resource_type not in RESOURCE_TYPES:
            raise SimulationError(
                "bad_acl", f"resource_type must be one of {', '.join(RESOURCE_TYPES)}"
            )
        if operation not in OPERATIONS:
            raise SimulationError("bad_acl", f"operation must be one of {', '.join(OPERATIONS)}")
        if permission not in PERMISSIONS:
            raise SimulationError("bad_acl", "permission must be ALLOW or DENY")
        if (
            not isinstance(principal, str)
            or not principal.startswith("User:")
            or len(principal) < 6
        ):
            raise SimulationError("bad_acl", "principal must look like User:alice")
        if not isinstance(name, str) or not name or len(name) > 120:
            raise SimulationError("bad_acl", "the resource name must be 1 to 120 characters")

    def add(self, resource_type, name, principal, operation, permission) -> list[dict]:
        entries = self.by_resource.setdefault((resource_type, name), [])
        entry = {
            "principal": principal,
            "host": "*",
            "operation": operation,
            "permission": permission,
        }
        if entry not in entries:
            if sum(len(v) for v in self.by_resource.values()) >= MAX_ACLS:
                raise SimulationError("cap_exceeded", f"at most {MAX_ACLS} ACLs per cluster")
            entries.append(entry)
        return list(entries)

    def remove(self, resource_type, name, principal, operation, permission) -> list[dict]:
        entries = self.by_resource.get((resource_type, name), [])
        entry = {
            "principal": principal,
            "host": "*",
            "operation": operation,
            "permission": permission,
        }
        if entry not in entries:
            raise SimulationError("unknown_acl", "no such ACL")
        entries.remove(entry)
        if not entries:
            del self.by_resource[(resource_type, name)]
        return list(entries)

    def entries(self, resource_type: str, name: str) -> list[dict]:
        return list(self.by_resource.get((resource_type, name), []))

    def allowed(self, principal: str, resource_type: str, name: str, operation: str) -> bool:
        entries = self.by_resource.get((resource_type, name))
        if not entries:
            return True
        matching = [
            e
            for e in entries
            if e["principal"] in (principal, "User:*") and operation in _IMPLIES[e["operation"]]
        ]
        if any(e["permission"] == "DENY" for e in matching):
            return False
        return any(e["permission"] == "ALLOW" for e in matching)

    def to_list(self) -> list[dict]:
        return [
            {"resource_type": t, "name": n, "acls": list(v)}
            for (t, n), v in sorted(self.by_resource.items())
        ]


def denied_log(
    principal: str, host: str, operation: str, resource_type: str, name: str, request: str
) -> str:
    """The broker's ``kafka.authorizer.logger`` line for a denied request."""
    resource = {"TOPIC": "Topic", "GROUP": "Group"}[resource_type]
    return (
        f"Principal = {principal} is Denied operation = {operation} from host = {host} "
        f"on resource = {resource}:LITERAL:{name} for request = {request} with "
        f"resourceRefCount = 1 based on rule DefaultDeny"
    )


def topic_authorization_message(topics: list[str]) -> str:
    return f"Not authorized to access topics: [{', '.join(topics)}]"


def group_authorization_message(group: str) -> str:
    return f"Not authorized to access group: {group}"
