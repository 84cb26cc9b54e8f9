package itest

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// anonymousLogin opens a MySQL protocol connection and authenticates
// with an empty user name and no password, which the stock clients cannot
// do (they send the OS login name instead). It returns the first byte of
// the server's answer: 0x00 accepted, 0xff refused.
func anonymousLogin(addr string) (byte, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	greeting, err := readPacket(r)
	if err != nil {
		return 0, fmt.Errorf("reading the greeting: %w", err)
	}
	if len(greeting) == 0 || greeting[0] != 10 {
		return 0, fmt.Errorf("unexpected greeting %q", greeting)
	}
	const (
		longPassword     = 0x00000001
		protocol41       = 0x00000200
		secureConnection = 0x00008000
		pluginAuth       = 0x00080000
	)
	var resp []byte
	resp = binary.LittleEndian.AppendUint32(resp, longPassword|protocol41|secureConnection|pluginAuth)
	resp = binary.LittleEndian.AppendUint32(resp, 1<<24) // max packet size
	resp = append(resp, 33)                              // utf8_general_ci
	resp = append(resp, make([]byte, 23)...)
	resp = append(resp, 0) // user name: empty, NUL-terminated
	resp = append(resp, 0) // auth response: none
	resp = append(resp, "mysql_native_password\x00"...)
	hdr := []byte{byte(len(resp)), byte(len(resp) >> 8), byte(len(resp) >> 16), 1}
	if _, err := c.Write(append(hdr, resp...)); err != nil {
		return 0, err
	}
	answer, err := readPacket(r)
	if err != nil {
		return 0, fmt.Errorf("reading the answer: %w", err)
	}
	if len(answer) == 0 {
		return 0, fmt.Errorf("empty answer")
	}
	return answer[0], nil
}

func readPacket(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return b, err
}
