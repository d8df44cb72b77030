"""Small builders for consumer tests: a 3-broker cluster with an ``orders`` topic."""

from simulator import Simulation


def scenario(
    groups=(), partitions=3, topic_configs=None, acls=None, brokers=3, cluster_configs=None
):
    data = {
        "name": "consumer-test",
        "cluster": {"brokers": brokers, "controllers": 1, "configs": cluster_configs or {}},
        "topics": [
            {
                "name": "orders",
                "partitions": partitions,
                "replication_factor": min(3, brokers),
                "configs": topic_configs or {},
            }
        ],
        "producers": [{"name": "P", "configs": {}}],
        "consumer_groups": list(groups),
    }
    if acls:
        data["acls"] = acls
    return data


def group(name, consumers, topics=("orders",), **configs):
    return {
        "group": name,
        "topics": list(topics),
        "configs": configs,
        "consumers": [{"name": c} for c in consumers],
    }


def sim_with(groups=(), seed=7, **kwargs) -> Simulation:
    return Simulation(scenario(groups, **kwargs), seed=seed)


def produce(sim, count, value="v", key="k", fmt=None, partition=None):
    command = {
        "type": "produce",
        "producer": "P",
        "topic": "orders",
        "value": value,
        "key": key,
        "count": count,
    }
    if partition is not None:
        command["partition"] = partition
    return sim.apply(command)


def kinds(events, kind):
    return [e for e in events if e.kind == kind]


def consumer(sim, name):
    return next(c for c in sim.snapshot()["consumers"] if c["id"] == name)


def group_snapshot(sim, name):
    return next(g for g in sim.snapshot()["groups"] if g["group_id"] == name)
