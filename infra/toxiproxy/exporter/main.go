// toxiproxy-exporter: what Toxiproxy's own /metrics lacks - which links are enabled and which
// toxics are active on each - as Prometheus gauges, read from the Toxiproxy API on every scrape.
// At start it also gives the WAN's proxies their standing latency (the "baseline" of a proxy in
// proxies.json), which Toxiproxy's config file cannot hold.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
)

type toxic struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Stream   string `json:"stream"`
	Toxicity float64 `json:"toxicity"`
}

type proxy struct {
	Name    string  `json:"name"`
	Enabled bool    `json:"enabled"`
	Toxics  []toxic `json:"toxics"`
}

// A proxy of proxies.json; Baseline is the latency a WAN link always has (each direction).
type configured struct {
	Name     string `json:"name"`
	Baseline *struct {
		Name    string `json:"name"`
		Latency int    `json:"latency"`
		Jitter  int    `json:"jitter"`
	} `json:"baseline"`
}

var streams = []string{"downstream", "upstream"}

func readConfigured(file string) ([]configured, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var proxies []configured
	return proxies, json.Unmarshal(raw, &proxies)
}

// applyBaselines adds the baseline toxics that a proxy lacks, in both directions, once the API answers.
func applyBaselines(client *http.Client, api string, proxies []configured) error {
	for i := 0; ; i++ {
		if res, err := client.Get(api + "/version"); err == nil {
			res.Body.Close()
			break
		} else if i == 100 {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range proxies {
		if p.Baseline == nil {
			continue
		}
		for _, stream := range streams {
			body, _ := json.Marshal(map[string]any{
				"name": p.Baseline.Name + "-" + stream, "type": "latency", "stream": stream, "toxicity": 1,
				"attributes": map[string]int{"latency": p.Baseline.Latency, "jitter": p.Baseline.Jitter},
			})
			res, err := client.Post(api+"/proxies/"+p.Name+"/toxics", "application/json", bytes.NewReader(body))
			if err != nil {
				return err
			}
			res.Body.Close()
			// 409: it is there already (the exporter restarted, Toxiproxy did not).
			if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusConflict {
				return fmt.Errorf("%s: baseline toxic: HTTP %d", p.Name, res.StatusCode)
			}
		}
	}
	return nil
}

func main() {
	api := flag.String("api", "http://127.0.0.1:8474", "Toxiproxy API")
	listen := flag.String("listen", ":8475", "address for /metrics")
	baselines := flag.String("baselines", "", "proxies.json whose baseline toxics to apply at start")
	flag.Parse()
	client := &http.Client{Timeout: 2 * time.Second}
	// The standing WAN latency is the link itself, not a fault: toxiproxy_toxics_active leaves it out.
	standing := map[string]bool{}
	if *baselines != "" {
		configuredProxies, err := readConfigured(*baselines)
		if err != nil {
			log.Fatalf("WAN baselines: %v", err)
		}
		for _, p := range configuredProxies {
			if p.Baseline != nil {
				for _, s := range streams {
					standing[p.Name+"/"+p.Baseline.Name+"-"+s] = true
				}
			}
		}
		go func() {
			if err := applyBaselines(client, *api, configuredProxies); err != nil {
				log.Fatalf("WAN baselines: %v", err)
			}
		}()
	}

	http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		res, err := client.Get(*api + "/proxies")
		up := 1
		proxies := map[string]proxy{}
		if err != nil {
			up = 0
		} else {
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&proxies) != nil {
				up = 0
			}
		}
		names := make([]string, 0, len(proxies))
		for n := range proxies {
			names = append(names, n)
		}
		sort.Strings(names)
		var b strings.Builder
		fmt.Fprintf(&b, "# HELP toxiproxy_api_up Whether the Toxiproxy API answered.\n# TYPE toxiproxy_api_up gauge\ntoxiproxy_api_up %d\n", up)
		b.WriteString("# HELP toxiproxy_proxy_enabled 1 while the link is up, 0 while it is cut.\n# TYPE toxiproxy_proxy_enabled gauge\n")
		for _, n := range names {
			enabled := 0
			if proxies[n].Enabled {
				enabled = 1
			}
			fmt.Fprintf(&b, "toxiproxy_proxy_enabled{proxy=%q} %d\n", n, enabled)
		}
		b.WriteString("# HELP toxiproxy_toxics_active Toxics injected on a link (not the WAN's standing latency), by type and direction.\n# TYPE toxiproxy_toxics_active gauge\n")
		for _, n := range names {
			injected := 0
			counts := map[[2]string]int{}
			for _, t := range proxies[n].Toxics {
				if !standing[n+"/"+t.Name] {
					injected++
					counts[[2]string{t.Type, t.Stream}]++
				}
			}
			// Every link reports a total, so "no toxics" is a 0, not a missing series.
			fmt.Fprintf(&b, "toxiproxy_toxics_active{proxy=%q,type=\"any\",stream=\"any\"} %d\n", n, injected)
			keys := make([][2]string, 0, len(counts))
			for k := range counts {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
			for _, k := range keys {
				fmt.Fprintf(&b, "toxiproxy_toxics_active{proxy=%q,type=%q,stream=%q} %d\n", n, k[0], k[1], counts[k])
			}
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte(b.String()))
	})
	log.Printf("toxiproxy-exporter on %s, reading %s", *listen, *api)
	log.Fatal(http.ListenAndServe(*listen, nil))
}
