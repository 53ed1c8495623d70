package ledger

import (
	"sync"
	"time"
)

// maxCachedKeys bounds the stale-cache defect's memory.
const maxCachedKeys = 10_000

// kvCache keeps store answers to GET /kv/{key} for a fixed time and is
// never invalidated: the stale-cache defect. A nil *kvCache caches
// nothing. It is safe for concurrent use.
type kvCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]cachedAnswer
}

type cachedAnswer struct {
	ans     storeAnswer
	expires time.Time
}

func newKVCache(ttl time.Duration) *kvCache {
	return &kvCache{ttl: ttl, entries: map[string]cachedAnswer{}}
}

// get returns the cached answer for key while it is fresh.
func (c *kvCache) get(key string) (storeAnswer, bool) {
	if c == nil {
		return storeAnswer{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !time.Now().Before(e.expires) {
		return storeAnswer{}, false
	}
	return e.ans, true
}

// put caches ans for key for the cache's TTL. When the cache is full it
// drops the expired answers first, and caches nothing if none expired.
func (c *kvCache) put(key string, ans storeAnswer) {
	if c == nil {
		return
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= maxCachedKeys {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCachedKeys {
			return
		}
	}
	c.entries[key] = cachedAnswer{ans: ans, expires: now.Add(c.ttl)}
}
