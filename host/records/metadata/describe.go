package metadata

import (
	"fmt"
	"strconv"
)

// EntityMetadata is an entity described the way CIF's getEntityMetadata
// resolves (Xrm.Utility.getEntityMetadata, flattened): Attributes is an
// object keyed by attribute logical name.
type EntityMetadata struct {
	LogicalName           string                       `json:"LogicalName"`
	EntitySetName         string                       `json:"EntitySetName"`
	PrimaryIDAttribute    string                       `json:"PrimaryIdAttribute"`
	PrimaryNameAttribute  string                       `json:"PrimaryNameAttribute"`
	ObjectTypeCode        int                          `json:"ObjectTypeCode"`
	DisplayName           string                       `json:"DisplayName"`
	DisplayCollectionName string                       `json:"DisplayCollectionName"`
	OwnershipType         string                       `json:"OwnershipType"`
	IsActivity            bool                         `json:"IsActivity"`
	IsCustomEntity        bool                         `json:"IsCustomEntity"`
	Attributes            map[string]AttributeMetadata `json:"Attributes"`
}

// AttributeMetadata is one attribute in EntityMetadata. AttributeType is
// Dataverse's AttributeTypeCode number; AttributeTypeName its name.
type AttributeMetadata struct {
	LogicalName       string                  `json:"LogicalName"`
	EntityLogicalName string                  `json:"EntityLogicalName"`
	DisplayName       string                  `json:"DisplayName"`
	AttributeType     int                     `json:"AttributeType"`
	AttributeTypeName string                  `json:"AttributeTypeName"`
	Format            string                  `json:"Format,omitempty"`
	MaxLength         int                     `json:"MaxLength,omitempty"`
	MinValue          *float64                `json:"MinValue,omitempty"`
	MaxValue          *float64                `json:"MaxValue,omitempty"`
	Precision         *int                    `json:"Precision,omitempty"`
	RequiredLevel     string                  `json:"RequiredLevel"`
	IsPrimaryID       bool                    `json:"IsPrimaryId"`
	IsPrimaryName     bool                    `json:"IsPrimaryName"`
	IsValidForCreate  bool                    `json:"IsValidForCreate"`
	IsValidForUpdate  bool                    `json:"IsValidForUpdate"`
	IsCustomAttribute bool                    `json:"IsCustomAttribute"`
	Targets           []string                `json:"Targets,omitempty"`
	OptionSet         map[string]OptionSetRow `json:"OptionSet,omitempty"`
	DefaultFormValue  *int                    `json:"DefaultFormValue,omitempty"`
}

// OptionSetRow is one option in AttributeMetadata.OptionSet, keyed there
// by its value.
type OptionSetRow struct {
	Value int    `json:"value"`
	Text  string `json:"text"`
	State *int   `json:"state,omitempty"`
}

// Describe returns the entity's metadata with the named attributes, or all
// of them when none are named. An unknown attribute is an error naming it.
func (e *Entity) Describe(attributes []string) (EntityMetadata, error) {
	m := EntityMetadata{
		LogicalName: e.LogicalName, EntitySetName: e.EntitySetName,
		PrimaryIDAttribute: e.PrimaryIDAttribute, PrimaryNameAttribute: e.PrimaryNameAttribute,
		ObjectTypeCode: e.ObjectTypeCode, DisplayName: e.DisplayName, DisplayCollectionName: e.DisplayCollectionName,
		OwnershipType: "UserOwned", IsActivity: e.IsActivity, IsCustomEntity: e.IsCustomEntity,
		Attributes: map[string]AttributeMetadata{},
	}
	list := e.Attributes
	if len(attributes) > 0 {
		list = nil
		for _, name := range attributes {
			a, ok := e.byName[name]
			if !ok {
				return EntityMetadata{}, fmt.Errorf("entity %s has no attribute %q%s", e.LogicalName, clip(name), e.suggest(name))
			}
			list = append(list, a)
		}
	}
	for _, a := range list {
		m.Attributes[a.LogicalName] = e.describe(a)
	}
	return m, nil
}

func (e *Entity) describe(a *Attribute) AttributeMetadata {
	primaryID := a.LogicalName == e.PrimaryIDAttribute
	am := AttributeMetadata{
		LogicalName: a.LogicalName, EntityLogicalName: e.LogicalName, DisplayName: a.DisplayName,
		AttributeType: a.Type.Code(), AttributeTypeName: string(a.Type), Format: a.Format, MaxLength: a.MaxLength,
		RequiredLevel: a.RequiredLevel, IsPrimaryID: primaryID, IsPrimaryName: a.LogicalName == e.PrimaryNameAttribute,
		IsValidForCreate: !a.ReadOnly, IsValidForUpdate: !a.ReadOnly && !primaryID, IsCustomAttribute: a.Custom,
		Targets: a.TargetNames(), DefaultFormValue: a.Default,
	}
	if a.Type.IsNumber() && a.Type != BigInt {
		lo, hi := a.MinValue, a.MaxValue
		am.MinValue, am.MaxValue = &lo, &hi
	}
	if a.Type == Decimal || a.Type == Money {
		p := a.Precision
		am.Precision = &p
	}
	if len(a.Options) > 0 {
		am.OptionSet = map[string]OptionSetRow{}
		for _, o := range a.Options {
			row := OptionSetRow{Value: o.Value, Text: o.Label}
			if a.Type == Status {
				s := o.State
				row.State = &s
			}
			am.OptionSet[strconv.Itoa(o.Value)] = row
		}
	}
	return am
}
