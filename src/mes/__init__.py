"""MES: a Manufacturing Execution System."""
