"""Pharmacology in the app: predicted ketamine concentrations for a session's planned and given
doses, the IV infusion planner and the `openkap pk` command. The models and the engine are in the
pure-Python core (openkap/clinical/pk.py and knowledge/pk/)."""
