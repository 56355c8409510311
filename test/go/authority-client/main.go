// authority-client calls a gRPC method on a unix socket the way the kubelet
// and crictl of the 1.2x era dial: the socket path is the target and a
// custom dialer connects to it, so grpc-go sends the path as the HTTP/2
// :authority. Messages are raw protobuf bytes, so no generated code is
// needed.
//
//	authority-client -socket PATH [-method /runtime.RuntimeService/Version] [-n N] [-authority A]
//
// Prints the response's string fields ("field N: value"), and with -n > 1
// the median and 99th percentile latency of N sequential calls.
//
// Builds offline against Debian's golang-google-grpc-dev (grpc-go 1.33):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build .
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"time"

	"google.golang.org/grpc"
)

// rawCodec passes *[]byte messages through unchanged.
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// stringField encodes a length-delimited protobuf field.
func stringField(num int, s string) []byte {
	b := binary.AppendUvarint(nil, uint64(num<<3|2))
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// printStrings prints the length-delimited fields of a protobuf message.
func printStrings(msg []byte) error {
	for len(msg) > 0 {
		key, n := binary.Uvarint(msg)
		if n <= 0 {
			return fmt.Errorf("bad field key")
		}
		msg = msg[n:]
		switch key & 7 {
		case 0:
			_, n = binary.Uvarint(msg)
			if n <= 0 {
				return fmt.Errorf("bad varint")
			}
			msg = msg[n:]
		case 2:
			l, n := binary.Uvarint(msg)
			if n <= 0 || uint64(len(msg)-n) < l {
				return fmt.Errorf("bad length")
			}
			fmt.Printf("field %d: %s\n", key>>3, msg[n:n+int(l)])
			msg = msg[n+int(l):]
		default:
			return fmt.Errorf("unexpected wire type %d", key&7)
		}
	}
	return nil
}

func main() {
	socket := flag.String("socket", "", "unix socket path, used as the gRPC target")
	method := flag.String("method", "/runtime.RuntimeService/Version", "full method name")
	calls := flag.Int("n", 1, "sequential calls to make")
	timeout := flag.Duration("timeout", 10*time.Second, "deadline of each call")
	authority := flag.String("authority", "", "send this :authority instead of the socket path")
	flag.Parse()
	if *socket == "" {
		fmt.Fprintln(os.Stderr, "-socket is required")
		os.Exit(2)
	}

	dialer := func(ctx context.Context, addr string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	opts := []grpc.DialOption{grpc.WithInsecure(), grpc.WithBlock(), grpc.WithContextDialer(dialer),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}))}
	if *authority != "" {
		opts = append(opts, grpc.WithAuthority(*authority))
	}
	conn, err := grpc.DialContext(ctx, *socket, opts...)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "dial %s: %v\n", *socket, err)
		os.Exit(1)
	}
	defer conn.Close()

	req := stringField(1, "0.1.0")
	latencies := make([]time.Duration, 0, *calls)
	var resp []byte
	for i := 0; i < *calls; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		start := time.Now()
		err := conn.Invoke(ctx, *method, &req, &resp)
		latencies = append(latencies, time.Since(start))
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "call %d %s: %v\n", i+1, *method, err)
			os.Exit(1)
		}
	}
	if err := printStrings(resp); err != nil {
		fmt.Fprintf(os.Stderr, "response: %v\n", err)
		os.Exit(1)
	}
	if *calls > 1 {
		sort.Slice(latencies, func(a, b int) bool { return latencies[a] < latencies[b] })
		fmt.Printf("calls %d median_us %d p99_us %d\n", *calls,
			latencies[len(latencies)/2].Microseconds(), latencies[len(latencies)*99/100].Microseconds())
	}
}
