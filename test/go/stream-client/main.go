// stream-client speaks the kubelet's streaming protocols to a URL that CRI
// Exec, Attach or PortForward returned, as client-go does (remotecommand
// and portforward over SPDY/3.1 with github.com/moby/spdystream, the
// library client-go uses), for berth's tests. It builds offline from
// Debian's golang-github-docker-spdystream-dev.
//
//	stream-client exec URL [-stdin] [-stdout] [-stderr] [-tty] [-protocols LIST] [-resize WxH,...] [-resize-every D] [-stall] [-result FILE]
//	stream-client portforward URL -port N [-connections N] [-send TEXT] [-result FILE]
//	stream-client loop
//
// exec (also for attach) copies its stdin to the stdin stream and the
// output streams to its stdout and stderr, then writes the negotiated
// protocol and the error stream's text as JSON to the result file.
// portforward opens N connections at once to the port, sends TEXT on each,
// half-closes, and reports what came back and each error stream's text.
// loop (for the bench) reads exec URLs from stdin, one a line, runs each
// with stdout only, counting and discarding the output, and answers each
// with a JSON line {"bytes": N, "status": TEXT}: the client is running
// before the Exec call, as the kubelet is.
package main

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/spdystream"
)

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "stream-client: "+format+"\n", a...)
	os.Exit(2)
}

// upgrade POSTs to the URL asking for SPDY/3.1 and the given subprotocols.
func upgrade(raw string, protocols []string) (*spdystream.Connection, string) {
	u, err := url.Parse(raw)
	if err != nil {
		fail("bad url: %v", err)
	}
	var conn net.Conn
	if u.Scheme == "https" {
		// As critest: the streaming server's certificate is not checked.
		conn, err = tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", u.Host, &tls.Config{InsecureSkipVerify: true})
	} else {
		conn, err = net.DialTimeout("tcp", u.Host, 10*time.Second)
	}
	if err != nil {
		fail("dial: %v", err)
	}
	req, _ := http.NewRequest("POST", raw, nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "SPDY/3.1")
	for _, p := range protocols {
		req.Header.Add("X-Stream-Protocol-Version", p)
	}
	if err := req.Write(conn); err != nil {
		fail("write request: %v", err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		fail("read response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		fmt.Printf("%s", body)
		fmt.Fprintf(os.Stderr, "HTTP %d\n", resp.StatusCode)
		os.Exit(3)
	}
	sc, err := spdystream.NewConnection(&bufferedConn{conn, br}, false)
	if err != nil {
		fail("spdy: %v", err)
	}
	go sc.Serve(spdystream.NoOpStreamHandler)
	return sc, resp.Header.Get("X-Stream-Protocol-Version")
}

func create(c *spdystream.Connection, h http.Header) *spdystream.Stream {
	s, err := c.CreateStream(h, nil, false)
	if err != nil {
		fail("create stream %v: %v", h, err)
	}
	if err := s.WaitTimeout(30 * time.Second); err != nil {
		fail("stream %v not answered: %v", h, err)
	}
	return s
}

func writeResult(path string, v interface{}) {
	if path == "" {
		return
	}
	b, _ := json.Marshal(v)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		fail("write result: %v", err)
	}
}

func execMain(args []string) {
	fs := flag.NewFlagSet("exec", flag.ExitOnError)
	stdin := fs.Bool("stdin", false, "")
	stdout := fs.Bool("stdout", false, "")
	stderr := fs.Bool("stderr", false, "")
	tty := fs.Bool("tty", false, "")
	protocols := fs.String("protocols", "v4.channel.k8s.io,v3.channel.k8s.io,v2.channel.k8s.io,channel.k8s.io", "")
	resize := fs.String("resize", "", "")
	resizeEvery := fs.Duration("resize-every", 200*time.Millisecond, "")
	result := fs.String("result", "", "")
	stall := fs.Bool("stall", false, "")
	fs.Parse(args[1:])
	conn, protocol := upgrade(args[0], strings.Split(*protocols, ","))
	stream := func(t string) *spdystream.Stream {
		h := http.Header{}
		h.Set("streamType", t)
		return create(conn, h)
	}
	// In client-go's order: error first, then stdin, stdout, stderr, resize.
	errStream := stream("error")
	var wg sync.WaitGroup
	errText := make(chan string)
	go func() {
		b, _ := io.ReadAll(errStream)
		errText <- string(b)
	}()
	if *stdin {
		s := stream("stdin")
		go func() {
			io.Copy(s, os.Stdin)
			s.Close()
		}()
	}
	copyOut := func(t string, w io.Writer) {
		s := stream(t)
		if *stall {
			// A client that stops reading: the server must stop sending, not buffer.
			select {}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			io.Copy(w, s)
		}()
	}
	if *stdout {
		copyOut("stdout", os.Stdout)
	}
	if *stderr && (!*tty || protocol == "channel.k8s.io") {
		copyOut("stderr", os.Stderr)
	}
	if *tty && protocol != "channel.k8s.io" && protocol != "v2.channel.k8s.io" {
		s := stream("resize")
		if *resize != "" {
			go func() {
				enc := json.NewEncoder(s)
				for _, wh := range strings.Split(*resize, ",") {
					parts := strings.SplitN(wh, "x", 2)
					w, _ := strconv.Atoi(parts[0])
					h, _ := strconv.Atoi(parts[1])
					enc.Encode(map[string]int{"Width": w, "Height": h})
					time.Sleep(*resizeEvery)
				}
			}()
		}
	}
	wg.Wait()
	text := <-errText
	conn.Close()
	writeResult(*result, map[string]string{"protocol": protocol, "status": text})
}

func portforwardMain(args []string) {
	fs := flag.NewFlagSet("portforward", flag.ExitOnError)
	port := fs.String("port", "", "")
	n := fs.Int("connections", 1, "")
	send := fs.String("send", "", "")
	result := fs.String("result", "", "")
	fs.Parse(args[1:])
	conn, protocol := upgrade(args[0], []string{"portforward.k8s.io"})
	type outcome struct {
		Data  string `json:"data"`
		Error string `json:"error"`
	}
	out := make([]outcome, *n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := 0; i < *n; i++ {
		h := http.Header{}
		h.Set("streamType", "error")
		h.Set("port", *port)
		h.Set("requestID", strconv.Itoa(i))
		mu.Lock()
		errStream := create(conn, h)
		errStream.Close()
		h.Set("streamType", "data")
		data := create(conn, h)
		mu.Unlock()
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var ewg sync.WaitGroup
			ewg.Add(1)
			go func() {
				defer ewg.Done()
				b, _ := io.ReadAll(errStream)
				out[i].Error = string(b)
			}()
			if *send != "" {
				data.Write([]byte(*send))
			}
			data.Close()
			b, _ := io.ReadAll(data)
			out[i].Data = string(b)
			ewg.Wait()
		}(i)
	}
	wg.Wait()
	conn.Close()
	writeResult(*result, map[string]interface{}{"protocol": protocol, "connections": out})
}

func countStdout(raw string) (int64, string) {
	conn, _ := upgrade(raw, []string{"v4.channel.k8s.io"})
	stream := func(t string) *spdystream.Stream {
		h := http.Header{}
		h.Set("streamType", t)
		return create(conn, h)
	}
	errStream := stream("error")
	errText := make(chan string)
	go func() {
		b, _ := io.ReadAll(errStream)
		errText <- string(b)
	}()
	n, _ := io.Copy(io.Discard, stream("stdout"))
	text := <-errText
	conn.Close()
	return n, text
}

func loopMain() {
	in := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		n, status := countStdout(in.Text())
		out.Encode(map[string]interface{}{"bytes": n, "status": status})
	}
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "loop" {
		loopMain()
		return
	}
	if len(os.Args) < 3 {
		fail("usage: stream-client exec|portforward URL ...")
	}
	switch os.Args[1] {
	case "exec":
		execMain(os.Args[2:])
	case "portforward":
		portforwardMain(os.Args[2:])
	default:
		fail("unknown mode %q", os.Args[1])
	}
}
