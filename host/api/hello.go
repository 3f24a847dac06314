package api

import (
	"slices"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/store"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// helloParams is what the extension says first.
type helloParams struct {
	ProtocolVersion  int    `json:"protocolVersion"`
	ExtensionVersion string `json:"extensionVersion"`
	ProfileID        string `json:"profileId"`
}

// HelloResult tells the extension who answers and what it may ask.
type HelloResult struct {
	HostVersion     string              `json:"hostVersion"`
	ProtocolVersion int                 `json:"protocolVersion"`
	Capabilities    []string            `json:"capabilities"`
	Limits          Limits              `json:"limits"`
	ProfileID       string              `json:"profileId"`
	StateFile       string              `json:"stateFile"`
	LogFile         string              `json:"logFile"`
	Problems        []templates.Problem `json:"problems"`
	// Presences are the agent's presences, in the order the agent picks
	// from them (settings.json's presences over Dynamics' five).
	Presences []config.Presence `json:"presences"`
	// ChannelProviders are the administrator's channel providers
	// (settings.json), which the extension hosts in its panel beside the
	// agent's own.
	ChannelProviders []config.ChannelProvider `json:"channelProviders"`
}

// Limits are the numbers a caller must stay within.
type Limits struct {
	MaxSessions      int `json:"maxSessions"`
	MaxTabs          int `json:"maxTabsPerSession"`
	MaxSessionBytes  int `json:"maxSessionBytes"`
	MaxRequestBytes  int `json:"maxRequestBytes"`
	MaxResponseBytes int `json:"maxResponseBytes"`
}

func (c *Conn) hello(raw []byte) (any, error) {
	p, err := decode[helloParams]("hello", raw)
	if err != nil {
		return nil, err
	}
	if p.ProtocolVersion != protocol.ProtocolVersion {
		return nil, errcode.Errorf(errcode.ProtocolMismatch,
			"the extension (version %q) speaks protocol %d and cif-host %s speaks protocol %d; install matching versions of both (run ./install.sh from the same checkout as the extension)",
			errcode.Clip(p.ExtensionVersion), p.ProtocolVersion, c.cfg.HostVersion, protocol.ProtocolVersion)
	}
	if !store.ValidProfile(p.ProfileID) {
		return nil, errcode.Errorf(errcode.InvalidParams, "hello: profileId %q must be 1 to 64 letters, digits, '-' or '_' (the extension makes a random one)", errcode.Clip(p.ProfileID))
	}
	if c.profile == nil {
		prof, err := c.open(p.ProfileID)
		if err != nil {
			return nil, err
		}
		c.profile = prof
		c.log = c.log.With("profile", p.ProfileID)
		c.log.Info("hello", "extensionVersion", p.ExtensionVersion, "sessions", prof.manager.Count())
		c.watchRecords()
	} else if c.profile.id != p.ProfileID {
		return nil, errcode.Errorf(errcode.InvalidRequest, "hello: this connection already serves profile %s; open a new connection for another profile", c.profile.id)
	}
	return HelloResult{
		HostVersion:     c.cfg.HostVersion,
		ProtocolVersion: protocol.ProtocolVersion,
		Capabilities:    slices.Sorted(slices.Values(MethodNames())),
		Limits: Limits{
			MaxSessions:      c.profile.manager.MaxSessions(),
			MaxTabs:          c.profile.manager.MaxTabs(),
			MaxSessionBytes:  session.MaxSessionBytes,
			MaxRequestBytes:  protocol.DefaultMaxIncoming,
			MaxResponseBytes: protocol.MaxOutgoing,
		},
		ProfileID: p.ProfileID,
		StateFile: c.profile.file.Path(),
		LogFile:   c.cfg.Dirs.LogFile(),
		Problems:  append([]templates.Problem{}, c.cfg.Problems...),
		Presences: c.cfg.Settings.PresenceList(),

		ChannelProviders: append([]config.ChannelProvider{}, c.cfg.Settings.ChannelProviders...),
	}, nil
}
