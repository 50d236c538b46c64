"""Entry point of the policy pack, run by the engine."""

from sparkpost_tracking.policy.policies import serve

serve()
