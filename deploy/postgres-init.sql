-- one database per service (docs/architecture.md §1); each service migrates its own at start
CREATE DATABASE mes_auth;
CREATE DATABASE mes_work_order;
CREATE DATABASE mes_quality;
CREATE DATABASE mes_material;
CREATE DATABASE mes_traceability;
CREATE DATABASE mes_resource;
CREATE DATABASE mes_reporting;
CREATE DATABASE mes_integration;
