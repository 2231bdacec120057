"""The resource service: iSA-95 equipment hierarchy, equipment states, downtime, shifts, personnel qualifications and maintenance."""
