module surge-lab/toxiproxy-exporter

go 1.24
