"""Unit tests of the chaos suite's pure parts: the judgements that decide whether a run failed.
Run: python3 -B -m unittest discover -s tests/chaos -p '*_test.py' (CTest: chaos_checks, label unit).
"""

import random
import unittest

import checks
import fleet
from kube import parse_metrics
from sampler import Sampler


def event(name, reason, message, count=1, component="cutover", obj="web"):
    return {"metadata": {"name": name}, "involvedObject": {"kind": "Rollout", "name": obj},
            "reason": reason, "message": message, "count": count, "source": {"component": component}}


class DuplicateEventsTest(unittest.TestCase):
    def test_two_events_for_one_transition_are_a_duplicate(self):
        got = checks.duplicate_events([event("web.1", "NewRevision", "rolling out 2 on slot b"),
                                       event("web.2", "NewRevision", "rolling out 2 on slot b")])
        self.assertEqual(len(got), 1)
        self.assertIn("web.1, web.2", got[0])

    def test_a_count_above_one_is_a_duplicate(self):
        self.assertEqual(len(checks.duplicate_events([event("web.1", "Promoted", "m", count=2)])), 1)

    def test_other_messages_objects_and_components_are_not(self):
        self.assertEqual(checks.duplicate_events([
            event("web.1", "StepCompleted", "step 1/2 done"),
            event("web.2", "StepCompleted", "step 2/2 done"),
            event("api.1", "StepCompleted", "step 1/2 done", obj="api"),
            event("rs.1", "SuccessfulCreate", "Created pod", component="replicaset-controller"),
            event("rs.2", "SuccessfulCreate", "Created pod", component="replicaset-controller"),
        ]), [])


def run(name, *measurements):
    return {"metadata": {"name": name}, "status": {"metricResults": [
        {"name": "error-rate", "measurements": [
            {"startedAt": at, "finishedAt": at, "phase": phase, "value": "0"} for at, phase in measurements]}]}}


class OutageTest(unittest.TestCase):
    down = checks.parse_time("2026-12-02T10:00:00Z")
    up = checks.parse_time("2026-12-02T10:00:30Z")

    def test_a_success_inside_the_outage_is_reported_and_errors_are_counted(self):
        passed, errors = checks.gates_passed_during(
            [run("r1", ("2026-12-02T10:00:10Z", "Successful"), ("2026-12-02T10:00:15.5Z", "Error"),
                 ("2026-12-02T10:00:20Z", "Error"))], self.down, self.up, 1.0)
        self.assertEqual(len(passed), 1)
        self.assertIn("r1", passed[0])
        self.assertEqual(errors, 2)

    def test_successes_at_the_edges_fall_in_the_margin(self):
        passed, errors = checks.gates_passed_during(
            [run("r1", ("2026-12-02T10:00:00.5Z", "Successful"), ("2026-12-02T10:00:29.5Z", "Successful"),
                 ("2026-12-02T09:59:50Z", "Successful"), ("2026-12-02T10:00:40Z", "Successful"))],
            self.down, self.up, 1.0)
        self.assertEqual((passed, errors), ([], 0))


class OutcomeTest(unittest.TestCase):
    def setUp(self):
        self.r = fleet.Rollout("c-00", "canary", 2, services={"c-00": "serving", "c-00-stable": "serving"})
        self.deps = {"c-00-b": {"spec": {"template": {"spec": {"containers": [{"image": "c-00:2"}]}}}}}
        self.svcs = {"c-00": {"spec": {"selector": {"app": "c-00"}}},
                     "c-00-stable": {"spec": {"selector": {"app": "c-00", "cutover.dev/slot": "b"}}}}
        self.pods = {"p2": {"spec": {"containers": [{"image": "c-00:2"}]}},
                     "p1": {"spec": {"containers": [{"image": "c-00:1"}]}}}
        self.ready = {"c-00": ["p2"], "c-00-stable": ["p2"]}

    def rollout(self, phase, result, abort=False):
        return {"status": {"phase": phase, "abort": abort, "stableSlot": "b",
                           "history": [{"result": result, "images": ["c-00:2"]}]}}

    def test_a_good_revision_promoted_and_served_passes(self):
        self.assertEqual(checks.outcome_problems(self.r, self.rollout("Healthy", "Promoted"), self.deps,
                                                 self.svcs, self.ready, self.pods), [])

    def test_old_pods_still_serving_fail(self):
        self.ready["c-00"] = ["p2", "p1"]
        got = checks.outcome_problems(self.r, self.rollout("Healthy", "Promoted"), self.deps, self.svcs,
                                      self.ready, self.pods)
        self.assertEqual(len(got), 1)
        self.assertIn("['p1']", got[0])

    def test_a_bad_revision_that_was_promoted_fails(self):
        self.r.bad = "crash"
        got = checks.outcome_problems(self.r, self.rollout("Healthy", "Promoted"), self.deps, self.svcs,
                                      self.ready, self.pods)
        self.assertTrue(any("want Degraded" in p for p in got))
        self.assertTrue(any("want Aborted" in p for p in got))
        self.assertTrue(any("want [c-00:1]" in p for p in got))

    def test_a_service_not_pinned_to_the_stable_slot_fails(self):
        self.svcs["c-00-stable"]["spec"]["selector"]["cutover.dev/slot"] = "a"
        got = checks.outcome_problems(self.r, self.rollout("Healthy", "Promoted"), self.deps, self.svcs,
                                      self.ready, self.pods)
        self.assertEqual(len(got), 1)
        self.assertIn("c-00-stable", got[0])


class FleetTest(unittest.TestCase):
    def test_a_fifth_of_each_kind_is_bad_and_the_plan_is_seeded(self):
        a = fleet.plan(100, random.Random("s/fleet"))
        b = fleet.plan(100, random.Random("s/fleet"))
        self.assertEqual([(r.name, r.bad) for r in a], [(r.name, r.bad) for r in b])
        for kind, n in (("canary", 40), ("blue-green", 30), ("adopted", 30)):
            members = [r for r in a if r.kind == kind]
            self.assertEqual(len(members), n)
            self.assertEqual(sum(bool(r.bad) for r in members), n // 5)
        self.assertEqual({r.bad for r in a if r.kind == "adopted"}, {"", "crash"})
        self.assertEqual({r.bad for r in a if r.kind != "adopted"}, {"", "crash", "error-rate"})

    def test_a_bad_second_revision_carries_its_annotation(self):
        r = fleet.Rollout("b-01", "blue-green", 1, bad="error-rate")
        path, patch = fleet.second_revision(r)
        self.assertTrue(path.endswith("/rollouts/b-01"))
        meta = patch["spec"]["template"]["metadata"]
        self.assertEqual(meta["annotations"], {"sim.cutover.dev/error-rate": fleet.BAD_ERROR_RATE})
        self.assertEqual(patch["spec"]["template"]["spec"]["containers"][0]["image"], "b-01:2")


class FakeOperators:
    def __init__(self):
        self.kills = []

    def live(self):
        return []


class SamplerTest(unittest.TestCase):
    def sampler(self):
        rollouts = [fleet.Rollout("a-00", "adopted", 1, services={"a-00": "serving"}),
                    fleet.Rollout("b-00", "blue-green", 1,
                                  services={"b-00-active": "serving", "b-00-preview": "candidate"})]
        s = Sampler(kube=None, namespace="ns", rollouts=rollouts, operators=FakeOperators(), clock=lambda: 0.0)
        s.live = {"a-00", "b-00"}
        return s

    @staticmethod
    def slice(svc, *ready):
        return {"metadata": {"labels": {"kubernetes.io/service-name": svc}},
                "endpoints": [{"conditions": {"ready": r}} for r in ready]}

    def test_a_serving_service_with_no_ready_endpoint_counts_once_armed(self):
        s = self.sampler()
        s._services(1.0, [], [self.slice("a-00", False), self.slice("b-00-active", True)])
        self.assertEqual(s.zero_ready_samples, 0, "a-00 never had a ready endpoint: not armed yet")
        s._services(1.5, [], [self.slice("a-00", True), self.slice("b-00-active", True)])
        s._services(2.0, [], [self.slice("a-00", True), self.slice("b-00-active", False, False)])
        self.assertEqual(s.zero_ready_samples, 1)
        self.assertIn("b-00-active", s.zero_ready[0])

    def test_candidate_services_are_counted_apart(self):
        s = self.sampler()
        s._services(1.0, [], [self.slice("a-00", True), self.slice("b-00-active", True), self.slice("b-00-preview")])
        self.assertEqual((s.zero_ready_samples, s.candidate_zero_ready), (0, 1))

    def test_a_run_that_changes_or_disappears_is_reported(self):
        s = self.sampler()
        spec = {"gate": "step-1"}
        final = {"phase": "Successful", "metricResults": []}
        s.observe_runs(1.0, [{"metadata": {"name": "r1", "uid": "u1"}, "spec": spec, "status": final},
                             {"metadata": {"name": "r2", "uid": "u2"}, "spec": spec, "status": {"phase": "Running"}}])
        s.observe_runs(2.0, [{"metadata": {"name": "r1", "uid": "u1"}, "spec": spec,
                              "status": dict(final, message="rewritten")}])
        self.assertEqual(len(s.run_violations), 2)
        self.assertIn("r1: status changed after it was final", s.run_violations[0])
        self.assertIn("r2 is gone", s.run_violations[1])


class MetricsTest(unittest.TestCase):
    def test_sums_the_series_the_suite_reads(self):
        got = parse_metrics('# HELP x\ncutover_reconcile_total{result="success"} 5\n'
                            'cutover_reconcile_total{result="error"} 2\ncutover_leader 1\n'
                            'cutover_api_requests_total{code="403",verb="GET"} 3\n'
                            'cutover_api_requests_total{code="200",verb="GET"} 30\n')
        self.assertEqual(got, {"reconciles": 7.0, "leader": 1.0, "forbidden": 3.0})


if __name__ == "__main__":
    unittest.main()
