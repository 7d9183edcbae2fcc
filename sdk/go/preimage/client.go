package preimage

import "fmt"

// Client bundles the oracle and the hinter of a guest, as a fault-proof program uses them.
type Client struct {
	Oracle *OracleClient
	Hinter *HintWriter
}

// NewClient opens the guest's oracle channels (fds 3-6).
func NewClient() *Client {
	return &Client{Oracle: NewOracleClient(ClientPreimageChannel()), Hinter: NewHintWriter(ClientHinterChannel())}
}

// Local returns boot value i, failing (ExitPanic) when it is longer than limit bytes.
func (c *Client) Local(i uint64, limit uint64) []byte {
	v, err := c.Oracle.GetLimited(LocalIndexKey(i), limit)
	if err != nil {
		Fail(ExitPanic, fmt.Sprintf("local %d: %v", i, err))
	}
	return v
}
