"""« Simulation des tarifs » without an account (the form and the computation: www/common/simulator.py)."""

from refectoire.www.common.simulator import simulate


def tariff_simulator(request):
    return simulate(request, template="public/tariff_simulator.html", extra_context={"in_portal": False})
