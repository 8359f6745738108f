// Command slow-link is a TCP relay that behaves like a slow network link: it reads what each
// client sends no faster than -rate bytes per second, with a small receive buffer, so the client
// feels the limit at once. A relay in Node cannot do this:
// Node cannot set SO_RCVBUF on a TCP socket, and Linux then grows the receive buffer of a slow
// reader on loopback to tens of megabytes and opens its window in jumps of as many, so a
// client's upload neither crawls nor moves steadily. Answers come back at full speed.
//
// It prints the address it listens on (127.0.0.1, a free port) as its first line of output.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

const receiveBuffer = 64 * 1024

func main() {
	target := flag.String("target", "", "host:port to relay to")
	rate := flag.Int("rate", 2_000_000, "bytes per second read from each client")
	flag.Parse()
	if *target == "" || *rate <= 0 {
		fmt.Fprintln(os.Stderr, "usage: slow-link -target host:port [-rate bytes/s]")
		os.Exit(2)
	}
	// Set on the listener so accepted sockets start small; a fixed SO_RCVBUF also turns off
	// the kernel's growing of it.
	config := net.ListenConfig{Control: func(_, _ string, raw syscall.RawConn) error {
		var setErr error
		if err := raw.Control(func(fd uintptr) {
			setErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, receiveBuffer)
		}); err != nil {
			return err
		}
		return setErr
	}}
	listener, err := config.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(listener.Addr().String())
	for {
		client, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go relay(client, *target, *rate)
	}
}

// relay copies both ways until either side closes, then closes both, so a connection the
// target drops is dropped for the client too.
func relay(client net.Conn, target string, rate int) {
	upstream, err := net.Dial("tcp", target)
	if err != nil {
		client.Close()
		return
	}
	var once sync.Once
	closeBoth := func() {
		once.Do(func() {
			client.Close()
			upstream.Close()
		})
	}
	go func() {
		io.Copy(client, upstream)
		closeBoth()
	}()
	copySlowly(upstream, client, rate)
	closeBoth()
}

func copySlowly(dst io.Writer, src io.Reader, rate int) {
	buf := make([]byte, 16*1024)
	var started time.Time
	passed := 0
	for {
		n, readErr := src.Read(buf)
		if n > 0 {
			if started.IsZero() {
				started = time.Now()
			}
			passed += n
			time.Sleep(time.Until(started.Add(time.Duration(float64(passed) / float64(rate) * float64(time.Second)))))
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if readErr != nil {
			return
		}
	}
}
