#!/usr/bin/env python3
"""Writes the provisioned dashboards (grafana/dashboards/*.json). Edit here, run, commit both:
panels stay uniform and every query is in one readable place. The live tests run every query."""
import json, os

DS = {"type": "prometheus", "uid": "prometheus"}
HERE = os.path.dirname(os.path.abspath(__file__))

def dashboard(uid, title, panels, description):
    placed, x, y, row_h = [], 0, 0, 0
    for i, p in enumerate(panels):
        w, h = p.pop("w", 8), p.pop("h", 7)
        if x + w > 24: x, y = 0, y + row_h
        row_h = max(row_h if x else 0, h)
        placed.append({"id": i + 1, "datasource": DS, "gridPos": {"x": x, "y": y, "w": w, "h": h}, **p})
        x += w
    return {"uid": uid, "title": title, "description": description, "tags": ["surge-lab"], "timezone": "browser",
            "schemaVersion": 39, "version": 1, "refresh": "5s", "time": {"from": "now-15m", "to": "now"},
            "templating": {"list": []},
            "annotations": {"list": [
                {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True,
                 "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts", "type": "dashboard"},
                # The chaos runner (npm run gameday) writes org-wide regions tagged "chaos": experiment and fault windows.
                {"datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True, "iconColor": "rgba(255, 96, 96, 1)",
                 "name": "Chaos experiments (faults)", "target": {"refId": "Anno", "type": "tags", "tags": ["chaos"], "matchAny": True, "limit": 100}},
                # The autoscaler (its own service) marks each scaling action, restart and mode change with "autoscaler".
                {"datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True, "iconColor": "rgba(120, 200, 80, 1)",
                 "name": "Autoscaler and auto-recovery", "target": {"refId": "Auto", "type": "tags", "tags": ["autoscaler"], "matchAny": True, "limit": 100}}]},
            # Every key Grafana's schema wants (@grafana/schema's DashboardLink); the extra ones hold its defaults.
            "links": [{"title": "Surge Lab", "type": "dashboards", "tags": ["surge-lab"], "asDropdown": True,
                       "icon": "external link", "tooltip": "", "includeVars": False, "keepTime": False, "targetBlank": False}],
            "panels": placed}

def panel(title, exprs, unit="short", kind="timeseries", fault_only=False, needs_history=False, description=None, w=8, h=7):
    p = {"title": title, "type": kind, "w": w, "h": h,
         "targets": [{"refId": chr(65 + i), "datasource": DS, "expr": e, "legendFormat": l} for i, (e, l) in enumerate(exprs)],
         "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}, "options": {}}
    if description: p["description"] = description
    # Panels that only have series while a fault is active; the chaos experiments check them.
    if fault_only: p["surgeLab"] = {"faultOnly": True}
    # Panels whose later targets need history first (a forecast needs a full period of past load);
    # the first target always has data.
    if needs_history: p["surgeLab"] = {"needsHistory": True}
    return p

overview = dashboard("surge-overview", "Surge overview", [
    panel("Edge answers/s by status", [("edge:http_requests:rate1m", "{{status}}")], "reqps"),
    panel("Edge 5xx ratio", [("edge:http_server_errors:ratio_rate1m", "5xx")], "percentunit",
          description="Every answer the edge gives, its own included (mtail over the access log). EdgeHighErrorRatio fires above 5%."),
    panel("Requests/s by service", [("service:http_requests:rate1m", "{{service}}")], "reqps"),
    panel("5xx ratio by service", [("service:http_server_errors:ratio_rate1m", "{{service}}")], "percentunit"),
    panel("p50 latency by service", [("service:http_latency_seconds:p50_1m", "{{service}}")], "s"),
    panel("p99 latency by service", [("service:http_latency_seconds:p99_1m", "{{service}}")], "s",
          description="SLO 500 ms: the ShopLatencyP99AboveSLO alert fires above it for a minute."),
    panel("Cache hit ratio by layer", [("edge:cache_hit_ratio:rate1m", "edge"), ("layer:cache_hit_ratio:rate1m", "catalog {{layer}}")], "percentunit",
          description="edge: nginx cache (HIT, STALE, UPDATING); catalog l1: in-process LRU; catalog redis: shared Redis."),
    panel("Orders per minute by outcome", [("shop:orders:rate1m * 60", "{{outcome}}")], "short"),
    panel("Payments by result", [("sum by (result) (rate(payments_total[1m])) * 60", "{{result}}")], "short"),
    panel("Shed requests/s", [("sum by (service) (rate(http_requests_shed_total[1m]))", "{{service}}")], "reqps",
          description="429 answers from load shedding (too many requests in flight)."),
], "What a user feels during a surge: traffic, errors, latency, caches, orders.")

data_tier = dashboard("data-tier", "Data tier", [
    panel("Patroni leader per member", [("patroni_primary", "{{instance}}")], "short", description="1 = leads. A failover shows as the lines crossing."),
    panel("Replication lag", [("pg_replication_lag_seconds", "{{member}}")], "s"),
    panel("Transactions/s (shop)", [('sum by (member) (rate(pg_stat_database_xact_commit{datname="shop"}[1m]))', "{{member}}")], "ops"),
    panel("Postgres connections", [("sum by (member) (pg_stat_activity_count)", "{{member}}")]),
    panel("App DB pools", [('sum by (service, pool) (db_pool_connections{state="total"})', "{{service}} {{pool}}"),
                           ('sum by (service, pool) (db_pool_connections{state="waiting"})', "{{service}} {{pool}} waiting")]),
    panel("Router: healthy servers", [('haproxy_backend_active_servers{proxy=~"pg-primary|pg-replicas"}', "{{proxy}}")]),
    panel("Redis hit ratio", [("rate(redis_keyspace_hits_total[1m]) / (rate(redis_keyspace_hits_total[1m]) + rate(redis_keyspace_misses_total[1m]))", "hits")], "percentunit"),
    panel("Redis memory", [("redis_memory_used_bytes", "used"), ("redis_memory_max_bytes", "maxmemory")], "bytes"),
    panel("Outbox", [("max(outbox_backlog)", "unpublished events"), ("max(outbox_oldest_age_seconds)", "oldest (s)")]),
    panel("Orders waiting for payment", [("max(orders_payment_pending)", "payment_pending")]),
    panel("Fulfilment consumer lag", [('sum by (partition) (kafka_consumer_lag{topic="orders"})', "partition {{partition}}")]),
    panel("Events applied by fulfilment", [("sum by (outcome) (rate(fulfilment_events_processed_total[1m])) * 60", "{{outcome}}/min")]),
], "Postgres under Patroni, Redis, the outbox and Kafka.")

resilience = dashboard("resilience", "Resilience", [
    panel("Breaker states", [("max by (service, breaker) (breaker_state)", "{{service}} {{breaker}}")], "short",
          description="0 closed, 1 half-open, 2 open.", w=12),
    panel("Dependency calls by outcome", [("sum by (dependency, outcome) (rate(dependency_calls_total[1m]))", "{{dependency}} {{outcome}}")], "reqps", w=12),
    panel("Active toxics by link", [('sum by (proxy) (toxiproxy_toxics_active{type="any"})', "{{proxy}}")], "short",
          description="Latency, timeouts, resets… injected by the chaos library or by hand through the Toxiproxy API."),
    panel("Links cut", [("1 - toxiproxy_proxy_enabled", "{{proxy}}")], "short", description="1 while a link is down."),
    panel("Breaker transitions", [("sum by (breaker, to) (increase(breaker_transitions_total[5m]))", "{{breaker}} → {{to}}")], fault_only=True),
    panel("Fallbacks/s", [("sum by (dependency) (rate(dependency_fallbacks_total[1m]))", "{{dependency}}")], "reqps", fault_only=True),
    panel("Retries/s", [("sum by (dependency) (rate(dependency_retries_total[1m]))", "{{dependency}}")], "reqps", fault_only=True),
    panel("Replica restarts (15 min)", [('sum by (service) (changes(process_start_time_seconds{job="shop"}[15m]))', "{{service}}")]),
    panel("Event-loop lag p99", [('max by (service) (nodejs_eventloop_lag_p99_seconds{job="shop"})', "{{service}}")], "s"),
    panel("Traffic through Toxiproxy links", [("sum by (proxy) (rate(toxiproxy_proxy_sent_bytes_total[1m]))", "{{proxy}}")], "Bps"),
], "Breakers, fallbacks, retries and restarts: how the lab absorbs faults.")

autoscaling = dashboard("autoscaling", "Autoscaling and auto-recovery", [
    panel("Replicas: desired and healthy", [("autoscaler_desired_replicas", "{{service}} desired"), ('autoscaler_replicas{state="healthy"}', "{{service}} healthy")], "short",
          description="What the controller wants (target tracking, schedule and forecast floors, within min and max) and what is up.", w=12),
    panel("Scaling metric per replica and its target", [("autoscaler_metric_value", "{{service}} {{metric}}"), ("autoscaler_metric_target", "{{service}} target")], "short", w=12),
    panel("Forecast and actual req/s", [('sum by (service) (rate(http_server_request_duration_seconds_count{service=~"catalog|checkout"}[1m]))', "{{service}} actual"),
                                        ('autoscaler_forecast_rps{horizon="now"}', "{{service}} forecast for now"),
                                        ('autoscaler_forecast_rps{horizon="ahead"}', "{{service}} forecast, lookahead")], "reqps", needs_history=True,
          description="The seasonal forecast (same phase of past periods) next to the actual load; it appears once a full period of history exists.", w=12),
    panel("Scaling actions (5 min)", [("sum by (service, direction) (increase(autoscaler_scaling_events_total[5m]))", "{{service}} {{direction}}")], "short", w=12),
    panel("Auto-recovery: restarts and restart loops (15 min)", [("sum by (service) (increase(autorecovery_restarts_total[15m]))", "{{service}} restarts"),
                                                                ("sum by (service) (increase(autorecovery_restart_loops_total[15m]))", "{{service}} loops")], "short", w=12),
    panel("Controller modes", [("autoscaler_enabled", "{{part}}")], "short", description="1 acts, 0 observes (decisions computed, nothing changed).", w=12),
], "The lab's controller (the autoscaler service): replicas, the metric it tracks, the forecast, and what it restarted.")

for d in (overview, data_tier, resilience, autoscaling):
    with open(os.path.join(HERE, "dashboards", f"{d['uid']}.json"), "w") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")
