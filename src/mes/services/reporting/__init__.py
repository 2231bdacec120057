"""The reporting service: read models: OEE, throughput, yield, Paretos and WIP."""
