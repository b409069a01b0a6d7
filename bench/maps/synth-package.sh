#!/usr/bin/env bash
# Packages the peers' synthetic COG as a product of our own: NAME.tar with the GeoTIFF and a minimal EO-O&M 2.0
# document (identifier and product type as given, a fixed 10 s acquisition, the footprint = the raster's WGS84
# outline from gdalinfo -json). Usage: synth-package.sh TIF OUT.tar IDENTIFIER PRODUCT_TYPE BEGIN END
set -euo pipefail
TIF=$1 OUT=$2 ID=$3 TYPE=$4 BEGIN=$5 END=$6
DIR=$(mktemp -d "${TMPDIR:-/tmp}/synth-package.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
# EO-O&M posList is "lat lon" pairs, closed ring.
POS=$(gdalinfo -json "$TIF" | jq -r '.wgs84Extent.coordinates[0] | map("\(.[1]) \(.[0])") | join(" ")')
[ -n "$POS" ] || { echo "no wgs84Extent in gdalinfo -json $TIF" >&2; exit 1; }
ln -s "$(readlink -f "$TIF")" "$DIR/$ID.tif"
cat > "$DIR/$ID.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<eop:EarthObservation xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:eop="http://www.opengis.net/eop/2.0" xmlns:om="http://www.opengis.net/om/2.0" gml:id="eop_$ID">
  <om:phenomenonTime>
    <gml:TimePeriod gml:id="tp_$ID">
      <gml:beginPosition>$BEGIN</gml:beginPosition>
      <gml:endPosition>$END</gml:endPosition>
    </gml:TimePeriod>
  </om:phenomenonTime>
  <om:resultTime><gml:TimeInstant gml:id="rt_$ID"><gml:timePosition>$END</gml:timePosition></gml:TimeInstant></om:resultTime>
  <om:procedure>
    <eop:EarthObservationEquipment gml:id="equ_$ID">
      <eop:platform><eop:Platform><eop:shortName>SYNTHETIC</eop:shortName></eop:Platform></eop:platform>
      <eop:instrument><eop:Instrument><eop:shortName>SYNTH</eop:shortName></eop:Instrument></eop:instrument>
      <eop:sensor><eop:Sensor><eop:sensorType>OPTICAL</eop:sensorType></eop:Sensor></eop:sensor>
    </eop:EarthObservationEquipment>
  </om:procedure>
  <om:observedProperty xlink:href="#params1"/>
  <om:featureOfInterest>
    <eop:Footprint gml:id="footprint_$ID">
      <eop:multiExtentOf>
        <gml:MultiSurface gml:id="ms_$ID" srsName="EPSG:4326">
          <gml:surfaceMember>
            <gml:Polygon gml:id="poly_$ID">
              <gml:exterior><gml:LinearRing><gml:posList>$POS</gml:posList></gml:LinearRing></gml:exterior>
            </gml:Polygon>
          </gml:surfaceMember>
        </gml:MultiSurface>
      </eop:multiExtentOf>
    </eop:Footprint>
  </om:featureOfInterest>
  <om:result/>
  <eop:metaDataProperty>
    <eop:EarthObservationMetaData>
      <eop:identifier>$ID</eop:identifier>
      <eop:acquisitionType>NOMINAL</eop:acquisitionType>
      <eop:productType>$TYPE</eop:productType>
      <eop:status>ARCHIVED</eop:status>
    </eop:EarthObservationMetaData>
  </eop:metaDataProperty>
</eop:EarthObservation>
XML
tar -chf "$OUT" -C "$DIR" "$ID.tif" "$ID.xml"
