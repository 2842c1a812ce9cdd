"""The demo data of Réfectoire (`manage.py seed_demo`): one module per domain app, run in the order
written in `refectoire.demo.steps.STEPS`, each calling that app's services where one exists."""
